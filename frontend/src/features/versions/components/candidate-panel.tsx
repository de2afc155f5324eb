// The serving champion and the latest candidate side by side, with the gate's decision and the
// actions an ML engineer takes on them.
import { Link } from "react-router-dom";

import { Button, StatusBadge } from "@/components/ui";
import { useCan } from "@/lib/auth/session";

import type { ModelVersion } from "../api/types";
import { formatDate, formatMetric, metricName } from "../api/types";
import { outsideEnvelope } from "../model-state";
import { MetricComparison, PerClassComparison } from "./comparison-tables";
import { GateBox } from "./gate-box";
import { useModelActions } from "./model-actions";

type Props = {
  slug: string;
  task: string;
  metricKeys: string[];
  candidate?: ModelVersion;
  champion?: ModelVersion;
  rollbackTarget?: ModelVersion;
  canAct: boolean;
};

export function CandidatePanel({ slug, task, metricKeys, candidate, champion, rollbackTarget, canAct }: Props) {
  const actions = useModelActions(slug);
  const isAdmin = useCan("administer");
  const metric = metricKeys[0];
  // Outside the envelope of pre-determined changes (AI Act Annex IV 2(f)) only an admin approves, with a reason.
  const outside = candidate ? outsideEnvelope(candidate) : [];
  const mayPromote = outside.length === 0 || isAdmin;
  return (
    <section className="card" aria-labelledby="compare-title" id="compare">
      <h2 id="compare-title">
        {candidate
          ? champion
            ? `Candidate v${candidate.number} beside champion v${champion.number}`
            : `Candidate v${candidate.number}`
          : "Champion"}
      </h2>
      <div role="status" aria-live="polite">
        {actions.done && <div className="alert alert-success">{actions.done}</div>}
      </div>

      {champion ? (
        <p>
          <StatusBadge status="champion" /> <Link to={String(champion.id)}>v{champion.number}</Link> serves with{" "}
          {metricName(metric)} <strong>{formatMetric((champion.metrics as Record<string, unknown>)[metric])}</strong>
          {champion.promoted_at && <>, promoted {formatDate(champion.promoted_at)}</>}
          {champion.approved_by && <> by {champion.approved_by}</>}
          {champion.promotion_reason && <> ({champion.promotion_reason})</>}.
        </p>
      ) : (
        <p className="muted">No champion serves yet.</p>
      )}

      {candidate ? (
        <div className="stack">
          <GateBox version={candidate} champion={champion} />
          {champion && (
            <>
              <h3>Holdout metrics</h3>
              <MetricComparison candidate={candidate} champion={champion} metricKeys={metricKeys} />
              <h3>Per class</h3>
              <PerClassComparison candidate={candidate} champion={champion} task={task} />
            </>
          )}
          <p>
            <Link to={String(candidate.id)}>All details of v{candidate.number}</Link>
          </p>
        </div>
      ) : (
        <p className="muted">No candidate is waiting for a decision. A new training run produces one.</p>
      )}

      {canAct && (candidate || rollbackTarget) && (
        <div className="row section-gap">
          {candidate && (
            <>
              {mayPromote ? (
                <Button variant="primary" onClick={() => actions.promote(candidate, champion)}>
                  {outside.length ? `Approve outside the envelope & promote v${candidate.number}` : `Approve & promote v${candidate.number}`}
                </Button>
              ) : (
                <span className="small muted">Outside the envelope: only an admin can approve v{candidate.number}.</span>
              )}
              <Button variant="danger" onClick={() => actions.reject(candidate)}>
                Reject v{candidate.number}
              </Button>
            </>
          )}
          {champion && rollbackTarget && (
            <Button onClick={() => actions.rollback(champion, rollbackTarget)}>
              Roll back to v{rollbackTarget.number}
            </Button>
          )}
        </div>
      )}
      {actions.dialog}
    </section>
  );
}
