// What the versions page derives from the list: the champion, the latest candidate, whether a
// rollback has somewhere to go, and when the API will insist on a reason (docs/api.md "Promote").
import type { ModelVersion } from "./api/types";

export function findChampion(versions: ModelVersion[]): ModelVersion | undefined {
  return versions.find((v) => v.status === "champion");
}

/** The newest `candidate` (the list is newest first). */
export function findLatestCandidate(versions: ModelVersion[]): ModelVersion | undefined {
  return versions.find((v) => v.status === "candidate");
}

/** The version a rollback would serve: the archived one promoted last before the champion and
 *  not itself rolled back (the API's rule), or undefined when there is none. */
export function findRollbackTarget(versions: ModelVersion[], champion: ModelVersion | undefined): ModelVersion | undefined {
  if (!champion?.promoted_at) return undefined;
  const servedBefore = versions.filter(
    (v) => v.status === "archived" && v.promoted_at && !v.rolled_back_at && v.promoted_at < champion.promoted_at!,
  );
  return servedBefore.sort((a, b) => (a.promoted_at! < b.promoted_at! ? 1 : -1))[0];
}

/** What the gate found outside the project's envelope of pre-determined changes ([] inside, or none declared). */
export function outsideEnvelope(version: Pick<ModelVersion, "gate">): string[] {
  return version.gate?.envelope?.outside ?? [];
}

/** A passing candidate, compared with the champion that still serves, is approved without a reason;
 *  anything else (rejected, needs review, archived, a stale comparison) needs one. */
export function promotionNeedsReason(version: ModelVersion, champion: ModelVersion | undefined): boolean {
  const gate = version.gate;
  const passing = version.status === "candidate" && gate?.passed === true && gate.decision === "awaiting_approval";
  const stillCompared = champion != null && gate?.champion_version === champion.number;
  return !(passing && stillCompared) || outsideEnvelope(version).length > 0;
}

/** The promotion metric's value of a version, when it has one. */
export function metricValue(version: ModelVersion, metric: string): number | null {
  const value = (version.metrics as Record<string, unknown>)[metric];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
