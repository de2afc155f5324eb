// A run whose model version lies outside the project's envelope of pre-determined changes (AI Act Annex IV
// 2(f)): what is outside, and for an admin the approval (with a reason, logged); the gate never promotes it.
import { useState } from "react";

import { Button, ConfirmDialog, ErrorMessage } from "@/components/ui";
import { useCan } from "@/lib/auth/session";

import { useApproveOutsideEnvelope } from "../api/training-runs";
import type { TrainingRun } from "../api/types";

export function EnvelopeNotice({ slug, version }: { slug: string; version: NonNullable<TrainingRun["model_version"]> }) {
  const isAdmin = useCan("administer");
  const approve = useApproveOutsideEnvelope(slug);
  const [asking, setAsking] = useState(false);
  const outside = version.outside_envelope ?? [];
  if (!outside.length) return null;
  const waiting = version.status === "candidate";
  return (
    <div className={`alert ${waiting ? "alert-error" : "alert-info"} envelope-notice`} role="note">
      <strong>
        v{version.number} is outside the project's envelope of pre-determined changes
        {waiting ? ": the gate does not promote it." : version.status === "champion" ? " (approved by an admin)." : "."}
      </strong>
      <ul>
        {outside.map((what) => (
          <li key={what}>{what}</li>
        ))}
      </ul>
      {waiting &&
        (isAdmin ? (
          <Button
            variant="primary"
            onClick={() => {
              approve.reset();
              setAsking(true);
            }}
          >
            Approve v{version.number} outside the envelope…
          </Button>
        ) : (
          <span className="small">Only an admin can approve it, with a reason.</span>
        ))}
      {approve.isSuccess && <p role="status">v{version.number} is now the champion.</p>}
      {asking && (
        <ConfirmDialog
          open
          title={`Approve v${version.number} outside the envelope?`}
          confirmLabel="Approve & promote"
          reason
          requireReason
          busy={approve.isPending}
          onConfirm={(reason) => approve.mutate({ versionId: version.id, reason }, { onSuccess: () => setAsking(false) })}
          onCancel={() => setAsking(false)}
        >
          <p>
            It becomes the serving champion although it changes what the project declared in advance (
            {outside.join("; ")}). Your reason is recorded in the audit log and the model card.
          </p>
          <ErrorMessage error={approve.error} />
        </ConfirmDialog>
      )}
    </div>
  );
}
