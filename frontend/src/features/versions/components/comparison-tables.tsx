// The candidate beside the champion: holdout metrics (the champion re-measured on the candidate's
// holdout, from the gate, where there is one) and per-class scores with their differences.
import type { ModelVersion } from "../api/types";
import { formatMetric, metricName } from "../api/types";
import { Delta } from "./delta";

export function perClassKeys(task: string): string[] {
  return task === "object_detection" ? ["ap50", "ap50_95"] : ["precision", "recall", "f1"];
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function diff(a: number | null, b: number | null): number | null {
  return a != null && b != null ? a - b : null;
}

export function MetricComparison({
  candidate,
  champion,
  metricKeys,
}: {
  candidate: ModelVersion;
  champion: ModelVersion;
  metricKeys: string[];
}) {
  const sameHoldout = candidate.gate?.champion_metrics_same_holdout ?? {};
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden-inline">Holdout metrics of v{candidate.number} and v{champion.number}</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">Candidate v{candidate.number}</th>
            <th scope="col" className="num">Champion v{champion.number}</th>
            <th scope="col" className="num">Difference</th>
          </tr>
        </thead>
        <tbody>
          {metricKeys.map((key) => {
            const ours = num((candidate.metrics as Record<string, unknown>)[key]);
            const theirs = num(sameHoldout[key]) ?? num((champion.metrics as Record<string, unknown>)[key]);
            return (
              <tr key={key}>
                <th scope="row">{metricName(key)}</th>
                <td className="num">{formatMetric(ours)}</td>
                <td className="num">{formatMetric(theirs)}</td>
                <td className="num">
                  <Delta value={diff(ours, theirs)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="small muted">
        {Object.keys(sameHoldout).length
          ? "The champion's scores are from the gate: re-measured on the candidate's holdout."
          : "The champion's scores are from its own evaluation."}
      </p>
    </div>
  );
}

export function PerClassComparison({
  candidate,
  champion,
  task,
}: {
  candidate: ModelVersion;
  champion: ModelVersion;
  task: string;
}) {
  const keys = perClassKeys(task);
  const ours = candidate.metrics.per_class ?? {};
  const theirs = champion.metrics.per_class ?? {};
  const labels = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])];
  if (!labels.length) return <p className="muted">No per-class scores recorded.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden-inline">Per-class scores of v{candidate.number} against v{champion.number}</caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>Class</th>
            {keys.map((key) => (
              <th key={key} scope="colgroup" colSpan={3} className="num">
                {metricName(key)}
              </th>
            ))}
          </tr>
          <tr>
            {keys.flatMap((key) => [
              <th key={`${key}-c`} scope="col" className="num">v{candidate.number}</th>,
              <th key={`${key}-p`} scope="col" className="num">v{champion.number}</th>,
              <th key={`${key}-d`} scope="col" className="num">Δ</th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {labels.map((label) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {keys.flatMap((key) => {
                const a = num(ours[label]?.[key as keyof (typeof ours)[string]]);
                const b = num(theirs[label]?.[key as keyof (typeof theirs)[string]]);
                return [
                  <td key={`${key}-c`} className="num">{formatMetric(a)}</td>,
                  <td key={`${key}-p`} className="num">{formatMetric(b)}</td>,
                  <td key={`${key}-d`} className="num"><Delta value={diff(a, b)} /></td>,
                ];
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted">Per-class scores of each version come from its own holdout evaluation.</p>
    </div>
  );
}
