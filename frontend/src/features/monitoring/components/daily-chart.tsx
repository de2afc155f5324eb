// One monitoring series per UTC day (lines, or bars for counts), with the policy's threshold drawn as a
// dashed line, in the app's ChartFrame (caption and the numbers as a table).
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";

import { AXIS_TICK, Y_AXIS_WIDTH, yAxisLabel } from "@/components/charts/axes";
import { ChartFrame } from "@/components/charts/chart-frame";

import { formatNumber } from "../format";

export type Series = { key: string; name: string; colour: string; dashed?: boolean };
export type Row = { date: string } & Record<string, number | string | null>;

type Props = {
  rows: Row[];
  series: Series[];
  yLabel: string;
  caption: string;
  bars?: boolean;
  domain?: [number, number];
  threshold?: { value: number; label: string } | null;
};

export function DailyChart({ rows, series, yLabel, caption, bars, domain, threshold }: Props) {
  const table = {
    headers: ["Day", ...series.map((s) => s.name)],
    rows: rows.map((row) => [row.date, ...series.map((s) => formatNumber(row[s.key]))]),
  };
  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="date" tick={AXIS_TICK} tickFormatter={(day: string) => day.slice(5)} />
      <YAxis
        domain={domain ?? [0, "auto"]}
        tick={AXIS_TICK}
        width={Y_AXIS_WIDTH}
        label={yAxisLabel(yLabel)}
        tickFormatter={(value: number) => formatNumber(value)}
        allowDecimals={!bars}
      />
      <Tooltip formatter={(value) => formatNumber(value as number)} />
      {series.length > 1 && <Legend verticalAlign="top" height={30} />}
      {threshold && (
        <ReferenceLine
          y={threshold.value}
          stroke="#b3261e"
          strokeDasharray="6 4"
          ifOverflow="extendDomain"
          label={{ value: threshold.label, position: "insideTopRight", fontSize: 11, fill: "#b3261e" }}
        />
      )}
    </>
  );
  return (
    <ChartFrame caption={caption} table={table} height={220}>
      {bars ? (
        <BarChart data={rows} margin={{ top: 10, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
          {axes}
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.colour} isAnimationActive={false} />
          ))}
        </BarChart>
      ) : (
        <LineChart data={rows} margin={{ top: 10, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
          {axes}
          {series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stroke={s.colour}
              strokeDasharray={s.dashed ? "5 3" : undefined}
              dot={rows.length < 15}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      )}
    </ChartFrame>
  );
}
