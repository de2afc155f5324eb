// The promotion metric over versions (rejected candidates marked, the champion highlighted) and the
// learning curve: the same metric against the number of human answers each version learned from.
import type { UseQueryResult } from "@tanstack/react-query";

import { ErrorMessage, Loading } from "@/components/ui";

import type { LearningCurve, ModelVersion } from "../api/types";
import { formatMetric, metricName } from "../api/types";
import { findChampion, metricValue } from "../model-state";
import { StatusChart, type StatusPoint } from "./status-chart";

function historyCaption(points: StatusPoint[], metric: string, champion: ModelVersion | undefined): string {
  const rejected = points.filter((p) => p.status === "rejected").length;
  const best = points.reduce<StatusPoint | null>((top, p) => (top == null || p.value > top.value ? p : top), null);
  return [
    `${metricName(metric)} of ${points.length} version${points.length === 1 ? "" : "s"} on the holdout.`,
    champion ? `Champion v${champion.number}: ${formatMetric(metricValue(champion, metric))}.` : "No champion.",
    best ? `Best: v${best.number} (${formatMetric(best.value)}).` : "",
    `${rejected} rejected candidate${rejected === 1 ? "" : "s"} (red crosses).`,
  ]
    .filter(Boolean)
    .join(" ");
}

export function MetricCharts({
  versions,
  metric,
  curve,
}: {
  versions: ModelVersion[];
  metric: string;
  curve: UseQueryResult<LearningCurve>;
}) {
  const history: StatusPoint[] = versions.flatMap((v) => {
    const value = metricValue(v, metric);
    return value == null ? [] : [{ x: v.number, value, number: v.number, status: v.status }];
  });
  const curveMetric = curve.data?.metric ?? metric;
  const curvePoints: StatusPoint[] = (curve.data?.points ?? []).flatMap((p) =>
    typeof p.value === "number" ? [{ x: p.human_answers, value: p.value, number: p.number, status: p.status }] : [],
  );
  const last = curvePoints.length ? [...curvePoints].sort((a, b) => a.number - b.number).at(-1) : undefined;

  return (
    <div className="versions-charts section-gap">
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">{metricName(metric)} over versions</h2>
        {history.length ? (
          <StatusChart
            points={history}
            xLabel="Version"
            xHeader="Version"
            yLabel={metricName(metric)}
            caption={historyCaption(history, metric, findChampion(versions))}
          />
        ) : (
          <p className="muted">No version has a {metricName(metric)} score yet.</p>
        )}
      </section>
      <section className="card" aria-labelledby="curve-title">
        <h2 id="curve-title">Learning curve</h2>
        {curve.isPending ? (
          <Loading label="Loading the learning curve…" />
        ) : curve.error ? (
          <ErrorMessage error={curve.error} title="The learning curve could not be loaded:" />
        ) : curvePoints.length ? (
          <StatusChart
            points={curvePoints}
            xLabel="Human answers"
            xHeader="Human answers"
            yLabel={metricName(curveMetric)}
            caption={`${metricName(curveMetric)} of each version against the number of human answers in its training data.${
              last ? ` Latest: v${last.number} with ${last.x.toLocaleString()} answers, ${formatMetric(last.value)}.` : ""
            }`}
          />
        ) : (
          <p className="muted">No versions with human answers to plot yet.</p>
        )}
      </section>
    </div>
  );
}
