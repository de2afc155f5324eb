import { Button } from "./button";

/** Previous/next paging over a limit/offset list, with "x–y of n". */
export function Pager({
  offset,
  limit,
  count,
  onChange,
}: {
  offset: number;
  limit: number;
  count: number;
  onChange: (offset: number) => void;
}) {
  const last = Math.min(offset + limit, count);
  return (
    <nav className="pager" aria-label="Pages">
      <Button onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        ← Previous
      </Button>
      <span>
        {count === 0 ? "0" : `${(offset + 1).toLocaleString()}–${last.toLocaleString()}`} of {count.toLocaleString()}
      </span>
      <Button onClick={() => onChange(offset + limit)} disabled={last >= count}>
        Next →
      </Button>
    </nav>
  );
}
