/** Axis ticks with as many decimals as the data's range needs, so close values never print alike. */
export function tickFormatterFor(values: number[]): (value: number) => string {
  const finite = values.filter(Number.isFinite);
  const span = finite.length ? Math.max(...finite) - Math.min(...finite) : 1;
  const decimals = span >= 0.5 ? 2 : Math.min(4, Math.max(2, Math.ceil(-Math.log10(span || 1e-4)) + 1));
  return (value: number) => value.toFixed(decimals);
}
