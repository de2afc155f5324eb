// Recent training runs, newest first, one page at a time. Below 900px the trigger, duration and
// dataset columns are hidden (the run panel above shows trigger and duration) so the table fits a tablet.
import { Link } from "react-router-dom";

import { Badge, Button, ErrorMessage, Loading, Pager, StatusBadge } from "@/components/ui";

import { useTrainingRuns } from "../api/training-runs";
import { formatDate, formatDuration, kfoldSummary, metricName } from "../api/types";

export const RUNS_PAGE = 10;

export function RunsTable({
  slug,
  metric,
  offset,
  onOffset,
  followed,
  onFollow,
}: {
  slug: string;
  metric: string;
  offset: number;
  onOffset: (offset: number) => void;
  followed: number | null;
  onFollow: (id: number) => void;
}) {
  const { data, error, isPending } = useTrainingRuns(slug, offset, RUNS_PAGE);
  if (isPending) return <Loading label="Loading training runs…" />;
  if (error) return <ErrorMessage error={error} />;
  if (data.count === 0) return <p className="muted">No training runs yet. Start the first one above.</p>;
  return (
    <>
      <div className="table-wrap runs-table">
        <table>
          <caption className="visually-hidden-inline">Training runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col" className="col-optional">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Requested</th>
              <th scope="col" className="col-optional">Duration</th>
              <th scope="col" className="col-optional">Dataset</th>
              <th scope="col">Model version</th>
              <th scope="col">k-fold {metricName(metric)} (mean ± std)</th>
            </tr>
          </thead>
          <tbody>
            {data.results.map((run) => (
              <tr key={run.id} className={run.id === followed ? "run-followed" : undefined}>
                <td>
                  <Button
                    variant="ghost"
                    className="btn-small"
                    onClick={() => onFollow(run.id)}
                    aria-pressed={run.id === followed}
                    aria-label={`Show run #${run.id}`}
                  >
                    #{run.id}
                  </Button>
                </td>
                <td className="col-optional">{run.trigger.replace(/_/g, " ")}</td>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>{formatDate(run.created_at)}</td>
                <td className="nowrap col-optional">{formatDuration(run)}</td>
                <td className="col-optional">{run.dataset_version != null ? `#${run.dataset_version}` : "–"}</td>
                <td>
                  {run.model_version ? (
                    <>
                      <Link to={`../versions/${run.model_version.id}`}>v{run.model_version.number}</Link>{" "}
                      <span className="small muted">{run.model_version.status}</span>
                      {(run.model_version.outside_envelope ?? []).length > 0 && (
                        <>
                          {" "}
                          <Badge tone="bad">outside the envelope</Badge>
                        </>
                      )}
                    </>
                  ) : (
                    "–"
                  )}
                </td>
                <td className="nowrap">{kfoldSummary(run.kfold, metric, false)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager offset={offset} limit={RUNS_PAGE} count={data.count} onChange={onOffset} />
    </>
  );
}
