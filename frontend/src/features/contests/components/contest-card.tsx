// One contest: what was objected to (the prediction, its model version, the item), why, and either the
// decision made or, for reviewers, the form to make it.
import { Badge } from "@/components/ui";
import { formatWhen } from "@/lib/dates";

import { useItemText, type Contest } from "../api";
import { boxCount, decidedBoxes } from "../boxes";
import { ContestBoxes } from "./contest-boxes";
import { DecideForm } from "./decide-form";


type Props = { slug: string; contest: Contest; labels: string[]; detection: boolean; canDecide: boolean };

export function ContestCard({ slug, contest, labels, detection, canDecide }: Props) {
  const text = useItemText(contest.item_id, !detection);
  const open = contest.status === "open";
  const deciding = open && canDecide;
  return (
    <article className="card contest" aria-labelledby={`contest-${contest.id}`}>
      <header className="row">
        <h2 id={`contest-${contest.id}`} className="contest-title">
          Contest #{contest.id}
        </h2>
        <Badge tone={open ? "warn" : "good"}>{open ? "open: a human decision is owed" : "decided"}</Badge>
        <span className="small muted">filed {formatWhen(contest.created_at, "medium")}</span>
      </header>
      <dl className="contest-facts">
        <dt>Prediction</dt>
        <dd>
          #{contest.prediction_id}:{" "}
          <strong>{detection ? boxCount(contest.predicted_boxes?.length ?? 0) : contest.predicted_label}</strong> by model v
          {contest.model_version}
        </dd>
        <dt>Item</dt>
        <dd>
          #{contest.item_id}
          {!detection && text.data && <blockquote className="contest-text">{text.data}</blockquote>}
        </dd>
        <dt>Objection</dt>
        <dd>{contest.reason}</dd>
        {!open && (
          <>
            <dt>Decided</dt>
            <dd>
              {formatWhen(contest.decided_at, "medium")}
              {!detection && contest.decided_label && (
                <>
                  {" "}
                  · <strong>{contest.decided_label}</strong>
                </>
              )}
              {detection && contest.decided_boxes && <> · {decidedBoxes(contest.decided_boxes.length)}</>}
              {contest.decision_id != null && <> · answer #{contest.decision_id}</>}
              {contest.decision_note && <> · “{contest.decision_note}”</>}
            </dd>
          </>
        )}
      </dl>
      {detection && !deciding && <ContestBoxes contest={contest} labels={labels} />}
      {open &&
        (canDecide ? (
          <DecideForm slug={slug} contest={contest} labels={labels} detection={detection} />
        ) : (
          <p className="small muted">A reviewer decides it.</p>
        ))}
    </article>
  );
}
