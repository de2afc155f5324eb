// Approve & promote, reject, roll back: each behind a confirmation, the API's refusal shown in it.
import { useState } from "react";

import { ConfirmDialog, ErrorMessage } from "@/components/ui";

import { useModelAction } from "../api/model-versions";
import type { ModelVersion } from "../api/types";
import { outsideEnvelope, promotionNeedsReason } from "../model-state";

type Pending =
  | { kind: "promote"; version: ModelVersion; needsReason: boolean }
  | { kind: "reject"; version: ModelVersion }
  | { kind: "rollback"; from: ModelVersion; to: ModelVersion };

const DONE: Record<Pending["kind"], (p: Pending) => string> = {
  promote: (p) => (p.kind === "promote" ? `v${p.version.number} is now the champion.` : ""),
  reject: (p) => (p.kind === "reject" ? `v${p.version.number} was rejected.` : ""),
  rollback: (p) => (p.kind === "rollback" ? `Rolled back: v${p.to.number} serves again.` : ""),
};

export function useModelActions(slug: string) {
  const mutation = useModelAction(slug);
  const [pending, setPending] = useState<Pending | null>(null);
  const [done, setDone] = useState("");

  const open = (next: Pending) => {
    mutation.reset();
    setDone("");
    setPending(next);
  };
  const confirm = (reason: string) => {
    if (!pending) return;
    const action =
      pending.kind === "rollback"
        ? { kind: "rollback" as const, reason }
        : { kind: pending.kind, versionId: pending.version.id, reason };
    mutation.mutate(action, {
      onSuccess: () => {
        setDone(DONE[pending.kind](pending));
        setPending(null);
      },
    });
  };

  const dialog = pending && (
    <ConfirmDialog
      open
      title={
        pending.kind === "promote"
          ? `Approve and promote v${pending.version.number}?`
          : pending.kind === "reject"
            ? `Reject v${pending.version.number}?`
            : `Roll back from v${pending.from.number} to v${pending.to.number}?`
      }
      confirmLabel={pending.kind === "promote" ? "Promote" : pending.kind === "reject" ? "Reject" : "Roll back"}
      danger={pending.kind !== "promote"}
      reason
      requireReason={pending.kind === "promote" ? pending.needsReason : pending.kind === "reject"}
      busy={mutation.isPending}
      onConfirm={confirm}
      onCancel={() => setPending(null)}
    >
      <p>
        {pending.kind === "promote" &&
          (outsideEnvelope(pending.version).length
            ? `It lies outside the project's envelope of pre-determined changes (${outsideEnvelope(pending.version).join("; ")}): approving it is an admin's decision, recorded with your reason.`
            : pending.needsReason
            ? "This version did not pass the gate against the serving champion, so promoting it overrides the gate: say why."
            : "It passed the gate. It will serve every new prediction, and the queue is rescored with it.")}
        {pending.kind === "reject" && "The champion keeps serving. The version can still be promoted later, with a reason."}
        {pending.kind === "rollback" &&
          `v${pending.from.number} is taken out of service and v${pending.to.number} serves again; the queue is rescored.`}
      </p>
      <ErrorMessage error={mutation.error} />
    </ConfirmDialog>
  );

  return {
    promote: (version: ModelVersion, champion: ModelVersion | undefined) =>
      open({ kind: "promote", version, needsReason: promotionNeedsReason(version, champion) }),
    reject: (version: ModelVersion) => open({ kind: "reject", version }),
    rollback: (from: ModelVersion, to: ModelVersion) => open({ kind: "rollback", from, to }),
    dialog,
    done,
  };
}
