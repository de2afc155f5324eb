// First/previous/next/last over a server-side paginated list, plus "go to page": hundreds of thousands
// of events are reached one page at a time, never loaded together.
import { useState, type FormEvent } from "react";

import { Button } from "@/components/ui";

import { PAGE_SIZES } from "../filters";

type Props = {
  offset: number;
  limit: number;
  count: number;
  onOffset: (offset: number) => void;
  onLimit: (limit: number) => void;
  /** The bottom copy repeats the buttons only (one page-size and page-number control is enough). */
  compact?: boolean;
};

export function lastPageOffset(count: number, limit: number): number {
  return count === 0 ? 0 : Math.floor((count - 1) / limit) * limit;
}

export function AuditPager({ offset, limit, count, onOffset, onLimit, compact = false }: Props) {
  const pages = Math.max(1, Math.ceil(count / limit));
  const page = Math.floor(offset / limit) + 1;
  const last = lastPageOffset(count, limit);
  const [target, setTarget] = useState("");

  const go = (event: FormEvent) => {
    event.preventDefault();
    const wanted = Number(target);
    if (!Number.isInteger(wanted) || wanted < 1) return;
    onOffset((Math.min(wanted, pages) - 1) * limit);
    setTarget("");
  };

  const shownTo = Math.min(offset + limit, count);
  return (
    <nav className="audit-pager" aria-label={compact ? "Pages, end of the table" : "Audit log pages"}>
      <span className="audit-pager-range">
        {count === 0 || offset >= count
          ? `0 of ${count.toLocaleString()}`
          : `${(offset + 1).toLocaleString()}–${shownTo.toLocaleString()} of ${count.toLocaleString()}`}{" "}
        events · page {page.toLocaleString()} of {pages.toLocaleString()}
      </span>
      <span className="row">
        <Button onClick={() => onOffset(0)} disabled={offset === 0}>
          « First
        </Button>
        <Button onClick={() => onOffset(Math.max(0, Math.min(offset, last + limit) - limit))} disabled={offset === 0}>
          ‹ Previous
        </Button>
        <Button onClick={() => onOffset(offset + limit)} disabled={offset + limit >= count}>
          Next ›
        </Button>
        <Button onClick={() => onOffset(last)} disabled={offset >= last}>
          Last »
        </Button>
      </span>
      {!compact && (
      <form className="row" onSubmit={go}>
        <label className="audit-inline-field">
          <span>Page</span>
          <input
            type="number"
            min={1}
            max={pages}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            className="audit-page-input"
          />
        </label>
        <Button type="submit" disabled={!target}>
          Go
        </Button>
        <label className="audit-inline-field">
          <span>Per page</span>
          <select value={limit} onChange={(e) => onLimit(Number(e.target.value))}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      </form>
      )}
    </nav>
  );
}
