// "Scoring the queue with v3… 1,200 / 2,550" while the champion (re)scores the unanswered pool.
import { ProgressBar } from "@/components/ui";

import { isScoringActive, type QueueScoring } from "./api/scoring";
import { formatCount } from "./format";

export function ScoringBanner({ job }: { job: QueueScoring | null | undefined }) {
  if (!job) return null;
  if (isScoringActive(job)) {
    const done = job.done ?? 0;
    const total = job.total ?? 0;
    const label = `Scoring the queue with v${job.model_version}…`;
    return (
      <div className="alert alert-info scoring-banner">
        <p>
          <strong>{label}</strong>{" "}
          <span className="tabular">
            {formatCount(done)} / {formatCount(total)}
          </span>{" "}
          <span className="small">The queue is re-ranked when it finishes; you can go on meanwhile.</span>
        </p>
        <ProgressBar value={done} max={Math.max(total, 1)} label={label} />
      </div>
    );
  }
  if (job.status === "failed") {
    return (
      <div className="alert alert-error" role="alert">
        Scoring the queue with v{job.model_version} failed{job.error ? `: ${job.error}` : "."} The queue keeps its
        earlier ranking.
      </div>
    );
  }
  return null;
}
