// The followed run: a live progress bar while it is queued or running, its outcome when it is done
// (the new model version and a way to compare it with the champion), its error when it failed.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link } from "react-router-dom";

import { ErrorMessage, Loading, ProgressBar, StatusBadge } from "@/components/ui";

import { projectKeys } from "@/lib/project";

import { trainingKeys, useTrainingRun } from "../api/training-runs";
import { EnvelopeNotice } from "./envelope-notice";
import { formatDate, formatDuration, isActive, kfoldSummary, stageName, type TrainingRun } from "../api/types";

function stepText(run: TrainingRun): string {
  const { fold, folds, epoch, epochs } = run.progress ?? {};
  const parts: string[] = [];
  if (folds) parts.push(`fold ${fold ?? 0} of ${folds}`);
  if (epochs) parts.push(`epoch ${epoch ?? 0} of ${epochs}`);
  return parts.join(", ");
}

/** When a followed run ends, what it changed is read again: the run list, the model versions
 *  (owned by the versions feature, matched by its key's name) and the project's champion. */
function useRefreshWhenDone(slug: string, run: TrainingRun | undefined) {
  const client = useQueryClient();
  const wasActive = useRef(false);
  useEffect(() => {
    if (!run) return;
    if (wasActive.current && !isActive(run)) {
      void client.invalidateQueries({ queryKey: trainingKeys.all(slug) });
      void client.invalidateQueries({ queryKey: ["model-versions", slug] });
      void client.invalidateQueries({ queryKey: projectKeys.all });
    }
    wasActive.current = isActive(run);
  }, [client, slug, run]);
}

export function RunProgress({ slug, runId, metric }: { slug: string; runId: number; metric: string }) {
  const { data: run, error, isPending } = useTrainingRun(runId);
  useRefreshWhenDone(slug, run);
  if (isPending) return <Loading label={`Loading run #${runId}…`} />;
  if (error) return <ErrorMessage error={error} title={`Run #${runId}:`} />;

  const active = isActive(run);
  const percent = run.status === "succeeded" ? 100 : Math.max(0, Math.min(100, run.progress?.percent ?? 0));
  const steps = stepText(run);
  return (
    <div className="stack">
      <div className="row">
        <StatusBadge status={run.status} />
        <span className="small muted">
          {run.trigger.replace(/_/g, " ")} · requested {formatDate(run.created_at)}
          {run.started_at && ` · ${active ? "running for" : "took"} ${formatDuration(run)}`}
        </span>
      </div>
      {run.status !== "failed" && <ProgressBar value={percent} label={`Run #${run.id} progress`} />}
      <p className="run-stage" aria-live="polite">
        <strong>{run.status === "succeeded" ? "Succeeded" : stageName(run.progress?.stage)}</strong>
        {active && steps && <span> · {steps}</span>}
      </p>

      {run.status === "failed" && (
        <div className="alert alert-error" role="alert">
          <strong>The run failed: </strong>
          {run.error || "no error message was recorded."}
          {run.progress?.traceback && (
            <details className="traceback">
              <summary>Traceback</summary>
              <pre>{run.progress.traceback}</pre>
            </details>
          )}
        </div>
      )}

      {run.status === "succeeded" && (
        <div className="alert alert-success">
          {run.model_version ? (
            <>
              Produced{" "}
              <Link to={`../versions/${run.model_version.id}`}>model version v{run.model_version.number}</Link> (
              {run.model_version.status.replace(/_/g, " ")}). k-fold {kfoldSummary(run.kfold, metric)}.{" "}
              <Link to="../versions#compare">Compare with the champion</Link>
            </>
          ) : (
            <>The run finished without a model version.</>
          )}
        </div>
      )}
      {run.status === "succeeded" && run.model_version && <EnvelopeNotice slug={slug} version={run.model_version} />}
    </div>
  );
}
