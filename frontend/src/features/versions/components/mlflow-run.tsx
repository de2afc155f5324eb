// The MLflow run of a version: its id with a copy button, and a link into the MLflow UI when the UI's
// address is known: the API's `mlflow_run_url` (the backend's MLFLOW_UI_URL), else VITE_MLFLOW_UI_URL at
// build time, else an http(s) tracking URI from the model card (the tracking server serves the UI).
// MLflow's UI resolves /#/runs/<run id> to the run's experiment.
import { useState } from "react";

import { Button } from "@/components/ui";

export function mlflowUiBase(trackingUri: unknown): string | null {
  const configured = (import.meta.env.VITE_MLFLOW_UI_URL as string | undefined)?.trim();
  const candidate = configured || (typeof trackingUri === "string" ? trackingUri : "");
  return /^https?:\/\//.test(candidate) ? candidate.replace(/\/+$/, "") : null;
}

export function MlflowRun({ runId, url, trackingUri }: { runId: string; url?: string | null; trackingUri?: unknown }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  if (!runId) return <span className="muted">–</span>;
  const base = mlflowUiBase(trackingUri);
  const href = url || (base ? `${base}/#/runs/${encodeURIComponent(runId)}` : null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(runId);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <span className="run-id">
      {href ? (
        <a href={href} target="_blank" rel="noreferrer" title="Open the run in MLflow">
          <code>{runId.slice(0, 8)}</code>
          <span className="visually-hidden-inline"> (MLflow run {runId}, opens in a new tab)</span>
        </a>
      ) : (
        <code title={runId}>{runId.slice(0, 8)}</code>
      )}
      <Button className="btn-small" onClick={copy} aria-label={`Copy MLflow run id ${runId}`}>
        Copy
      </Button>
      <span role="status" className="small muted">
        {copied === "yes" ? "Copied" : copied === "no" ? "Copy failed" : ""}
      </span>
    </span>
  );
}
