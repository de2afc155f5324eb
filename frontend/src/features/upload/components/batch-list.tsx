// Per-request status of an image upload (at most 100 files per request).
import { Badge, ErrorMessage } from "@/components/ui";

import type { Batch, BatchStatus } from "./use-image-upload";

const TONES: Record<BatchStatus, "neutral" | "good" | "bad" | "info" | "warn"> = {
  waiting: "neutral",
  sending: "info",
  stored: "good",
  refused: "bad",
  cancelled: "warn",
  "not sent": "neutral",
};

export function BatchList({ batches }: { batches: Batch[] }) {
  if (batches.length === 0) return null;
  return (
    <ol className="batch-list" aria-label="Batches">
      {batches.map((batch) => (
        <li key={batch.index}>
          <span>
            Batch {batch.index + 1} of {batches.length} ({batch.count} file{batch.count === 1 ? "" : "s"})
          </span>{" "}
          <Badge tone={TONES[batch.status]}>{batch.status}</Badge>
          {batch.result && (
            <span className="small muted">
              {" "}
              {batch.result.created} created, {batch.result.duplicates} duplicates, {batch.result.labelled} labelled,{" "}
              {batch.result.holdout} holdout
            </span>
          )}
          {batch.status === "refused" && (
            <ErrorMessage error={batch.error} title={`Batch ${batch.index + 1}: nothing in it was stored.`} />
          )}
        </li>
      ))}
    </ol>
  );
}
