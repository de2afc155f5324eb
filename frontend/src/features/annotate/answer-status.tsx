// What became of the answers given: failures in the API's words with a retry (never lost silently),
// answers still on their way, and the last answer's outcome (e.g. sent to a second reviewer).
import { Button } from "@/components/ui";

import { flagWords } from "./flags";
import { shorten } from "./format";
import type { Answered } from "./queue-state";

function describe(entry: Answered["entry"]): string {
  return entry.text ? `“${shorten(entry.text, 50)}”` : `image ${entry.item_id}`;
}

function outcome(answered: Answered): string {
  const feedback = answered.feedback;
  if (!feedback) return "";
  if (feedback.status === "pending_review") {
    const words = flagWords(feedback.flags);
    return `Sent to a reviewer${words.length ? `: ${words.join(", ")}` : ""}.`;
  }
  if (feedback.verdict === "accept") return "Saved: accepted.";
  return feedback.label ? `Saved: corrected to ${feedback.label}.` : "Saved: corrected.";
}

type Props = {
  history: Answered[];
  onRetry: (key: number) => void;
  onChange: (key: number) => void;
};

export function AnswerStatus({ history, onRetry, onChange }: Props) {
  const failed = history.filter((h) => h.delivery === "failed");
  const sending = history.filter((h) => h.delivery === "sending").length;
  const last = [...history].reverse().find((h) => h.delivery === "sent");
  return (
    <div className="answer-status">
      {failed.map((h) => (
        <div key={h.key} className="alert alert-error answer-failed" role="alert">
          <span>
            Your answer to {describe(h.entry)} was not saved: <strong>{h.error}</strong>
          </span>
          <span className="row">
            <Button onClick={() => onRetry(h.key)}>Retry</Button>
            <Button onClick={() => onChange(h.key)}>Change the answer</Button>
          </span>
        </div>
      ))}
      <p className={`answer-last small${last?.feedback?.status === "pending_review" ? " is-flagged" : ""}`} role="status">
        {last && `${describe(last.entry)}: ${outcome(last)}`}
        {sending > 0 && <span className="muted"> Saving {sending} answer{sending > 1 ? "s" : ""}…</span>}
      </p>
    </div>
  );
}
