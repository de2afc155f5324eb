// What was decided about a version, in words, from its current status first and the gate's record
// second: `gate.decision` is what the gate said at training time (a champion approved by a human
// still carries `awaiting_approval`), so it alone must never be shown as the current state.
import type { ModelVersion } from "./api/types";
import { formatDate } from "./api/types";

/** The gate's own decision at training time (docs/api.md "The promotion gate"). */
const GATE_SAID: Record<string, string> = {
  awaiting_approval: "passed; waited for a human approval",
  promoted: "promoted automatically",
  rejected: "rejected (the comparison failed)",
  needs_review: "not compared; needed a human decision",
  outside_envelope: "outside the envelope of pre-determined changes: only an admin could approve it",
};

export type Decision = {
  /** A sentence for the gate box heading. */
  title: string;
  /** A few words for the versions table. */
  short: string;
  /** What the gate itself said, when that differs from the current state. */
  gateSaid?: string;
  tone: "passed" | "failed" | "neutral";
};

export function versionDecision(version: Pick<ModelVersion, "status" | "gate" | "approved_by" | "promoted_at" | "rolled_back_at">): Decision {
  const gate = version.gate ?? {};
  const decision = gate.decision ?? "";
  const gateSaid = GATE_SAID[decision];
  const on = (iso: string | null | undefined) => (iso ? ` on ${formatDate(iso)}` : "");
  switch (version.status) {
    case "champion":
      return version.approved_by
        ? {
            title: `Promoted (approved by ${version.approved_by}${on(version.promoted_at)})`,
            short: `promoted, approved by ${version.approved_by}`,
            gateSaid,
            tone: "passed",
          }
        : {
            title: `Promoted automatically${on(version.promoted_at)}`,
            short: "promoted automatically",
            gateSaid: decision === "promoted" ? undefined : gateSaid,
            tone: "passed",
          };
    case "rejected":
      if (decision === "rejected_by_human") {
        const reason = gate.rejected_reason?.trim();
        return {
          title: `Rejected by a human${reason ? `: ${reason}` : ""}`,
          short: `rejected by a human${reason ? `: ${reason}` : ""}`,
          tone: "failed",
        };
      }
      return { title: "Rejected by the gate", short: "rejected by the gate", tone: "failed" };
    case "archived":
      if (version.rolled_back_at) {
        return { title: `Archived: rolled back${on(version.rolled_back_at)}`, short: "archived (rolled back)", gateSaid, tone: "neutral" };
      }
      return version.promoted_at
        ? {
            title: `Archived: served from ${formatDate(version.promoted_at)} until a newer version replaced it`,
            short: "archived (served earlier)",
            gateSaid,
            tone: "neutral",
          }
        : { title: "Archived", short: "archived", gateSaid, tone: "neutral" };
    default:
      // A candidate: the gate's decision is the current state.
      if (decision === "awaiting_approval") {
        return { title: "Passed the gate; waiting for a human approval", short: "awaiting approval", tone: "passed" };
      }
      if (decision === "outside_envelope") {
        return {
          title: "Outside the project's envelope of pre-determined changes: only an admin can approve it",
          short: "outside the envelope",
          tone: "failed",
        };
      }
      if (decision === "needs_review") {
        return { title: "Not compared; needs a human decision", short: "needs review", tone: "neutral" };
      }
      return {
        title: decision ? decision.replace(/_/g, " ") : "No gate decision recorded",
        short: decision ? decision.replace(/_/g, " ") : "–",
        tone: gate.passed === true ? "passed" : gate.passed === false ? "failed" : "neutral",
      };
  }
}
