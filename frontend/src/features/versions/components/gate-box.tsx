// The promotion gate's decision for a version, in words (docs/api.md "The promotion gate"): what
// holds now (from the version's status), then the gate's own comparison at training time.
import type { Gate, ModelVersion } from "../api/types";
import { formatMetric, metricName } from "../api/types";
import { versionDecision } from "../gate-decision";
import { Delta } from "./delta";

/** `version` is the one the gate decided on: only a waiting candidate can have a stale comparison. */
export function GateBox({ version, champion }: { version: ModelVersion; champion?: ModelVersion }) {
  const gate: Gate = version.gate ?? {};
  if (!gate.decision && version.status === "candidate") return <p className="muted">No gate decision recorded.</p>;
  const decision = versionDecision(version);
  const tone = decision.tone === "neutral" ? "" : `gate-${decision.tone}`;
  const stale =
    version.status === "candidate" && gate.champion_version != null && champion != null && champion.number !== gate.champion_version;
  const sameHoldout = gate.champion_metrics_same_holdout ?? {};
  return (
    <div className={`gate-box ${tone}`}>
      <strong>
        {version.status === "candidate" ? "Gate" : "Decision"}: {decision.title}
      </strong>
      {Object.keys(gate).length > 0 && (
      <dl>
        {decision.gateSaid && (
          <>
            <dt>The gate said</dt>
            <dd>{decision.gateSaid}</dd>
          </>
        )}
        {gate.passed !== undefined && (
          <>
            <dt>Comparison</dt>
            <dd>{gate.passed ? "passed" : "failed"}</dd>
          </>
        )}
        {gate.metric && (
          <>
            <dt>Metric</dt>
            <dd>
              {metricName(gate.metric)}: candidate {formatMetric(gate.candidate)}, champion {formatMetric(gate.champion)}
            </dd>
          </>
        )}
        {gate.delta !== undefined && (
          <>
            <dt>Δ vs required</dt>
            <dd>
              <Delta value={gate.delta} /> (needs ≥ {formatMetric(gate.min_improvement)}
              {(gate.min_improvement ?? 0) >= 0 ? " and > 0" : ""})
            </dd>
          </>
        )}
        {gate.champion_version != null && (
          <>
            <dt>Compared with</dt>
            <dd>v{gate.champion_version}</dd>
          </>
        )}
        {Object.keys(sameHoldout).length > 0 && (
          <>
            <dt>Champion on the same holdout</dt>
            <dd>
              {Object.entries(sameHoldout)
                .map(([key, value]) => `${key === "n" ? "n" : metricName(key)} ${key === "n" ? value : formatMetric(value)}`)
                .join(", ")}
            </dd>
          </>
        )}
        {gate.envelope && (
          <>
            <dt>Envelope (Annex IV 2(f))</dt>
            <dd>
              {gate.envelope.outside?.length ? (
                <>
                  outside:
                  <ul className="envelope-outside">
                    {gate.envelope.outside.map((what) => (
                      <li key={what}>{what}</li>
                    ))}
                  </ul>
                </>
              ) : (
                "inside the declared changes"
              )}
            </dd>
          </>
        )}
        {gate.reason && (
          <>
            <dt>Reason</dt>
            <dd>{gate.reason}</dd>
          </>
        )}
      </dl>
      )}
      {stale && (
        <p className="small" role="note">
          This comparison was with v{gate.champion_version}, but v{champion.number} serves now: approving it needs a reason
          (or a new training run).
        </p>
      )}
    </div>
  );
}
