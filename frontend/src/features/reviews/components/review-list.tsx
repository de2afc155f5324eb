import { Badge, StatusBadge } from "@/components/ui";

import type { ReviewEntry } from "../api/types";
import { flagTone } from "../flags";

const SHORT: Record<string, string> = {
  low_overlap: "moved",
  missed: "added",
  false_positive: "removed",
  confident_removal: "confident removal",
  label_changed: "relabelled",
};

/** This page of the queue; a row opens its entry above. */
export function ReviewList({
  entries,
  currentId,
  onOpen,
}: {
  entries: readonly ReviewEntry[];
  currentId: number | null;
  onOpen: (id: number) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="rv-table">
        <caption className="rv-visually-hidden">Flagged answers, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Annotator</th>
            <th scope="col">Flags</th>
            <th scope="col">Status</th>
            <th scope="col">Answered</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const current = entry.id === currentId;
            return (
              <tr key={entry.id} className={current ? "rv-row-current" : undefined} aria-current={current ? "true" : undefined}>
                <td>
                  <button type="button" className="rv-link" onClick={() => onOpen(entry.id)}>
                    Item {entry.item_id}
                  </button>
                </td>
                <td>{entry.annotator ?? "—"}</td>
                <td>
                  <span className="rv-flag-badges">
                    {entry.flags.map((flag, index) => (
                      <Badge key={index} tone={flagTone(flag)}>
                        {SHORT[flag.flag] ?? flag.flag.replace(/_/g, " ")}
                      </Badge>
                    ))}
                  </span>
                </td>
                <td>
                  <StatusBadge status={entry.status} />
                </td>
                <td className="small">{new Date(entry.created_at).toLocaleString()}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
