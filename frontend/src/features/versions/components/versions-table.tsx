import { useState } from "react";
import { Link } from "react-router-dom";

import { Pager, StatusBadge } from "@/components/ui";

import type { ModelVersion } from "../api/types";
import { formatDate, formatDelta, formatMetric, metricName } from "../api/types";
import { versionDecision } from "../gate-decision";
import { MlflowRun } from "./mlflow-run";

const PAGE_SIZE = 20;

/** The decision that holds now (from the status; see gate-decision.ts), with the gate's Δ. */
export function gateSummary(version: ModelVersion): string {
  const gate = version.gate;
  if (!gate?.decision && version.status === "candidate") return "–";
  const { short } = versionDecision(version);
  return typeof gate?.delta === "number" ? `${short} (Δ ${formatDelta(gate.delta)})` : short;
}

export function VersionsTable({ versions, metricKeys }: { versions: ModelVersion[]; metricKeys: string[] }) {
  const [offset, setOffset] = useState(0);
  const shown = versions.slice(offset, offset + PAGE_SIZE);
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden-inline">Model versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              {metricKeys.map((key, index) => (
                <th key={key} scope="col" className="num">
                  {metricName(key)}
                  {index === 0 && <span className="visually-hidden-inline"> (promotion metric)</span>}
                </th>
              ))}
              <th scope="col">Gate</th>
              <th scope="col">Created</th>
              <th scope="col">Approved by</th>
              <th scope="col">MLflow run</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((version) => (
              <tr key={version.id}>
                <td>
                  <Link to={String(version.id)}>v{version.number}</Link>
                </td>
                <td>
                  <StatusBadge status={version.status} />
                </td>
                {metricKeys.map((key, index) => {
                  const value = formatMetric((version.metrics as Record<string, unknown>)[key]);
                  return (
                    <td key={key} className="num">
                      {index === 0 ? <strong>{value}</strong> : value}
                    </td>
                  );
                })}
                <td>{gateSummary(version)}</td>
                <td>{formatDate(version.created_at)}</td>
                <td>{version.approved_by ?? (version.promoted_at ? "automatic" : "–")}</td>
                <td>
                  <MlflowRun runId={version.mlflow_run_id} url={version.mlflow_run_url} trackingUri={version.model_card?.model?.mlflow_tracking_uri} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > PAGE_SIZE && (
        <Pager offset={offset} limit={PAGE_SIZE} count={versions.length} onChange={setOffset} />
      )}
    </>
  );
}
