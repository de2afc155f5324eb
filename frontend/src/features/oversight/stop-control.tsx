// The stop button of human oversight (AI Act Art. 14(4)(e)), on every project page: while the model is
// stopped a banner says who stopped it, when and why (predictions, scoring and training are refused);
// ML engineers and admins stop it or start it again, always with a reason that goes to the audit log.
import "./oversight.css";

import { useState } from "react";

import { Button, ConfirmDialog, ErrorMessage } from "@/components/ui";
import { can, ROLE_NAMES } from "@/lib/auth/roles";
import { useMe } from "@/lib/auth/session";
import type { Project } from "@/lib/project";
import { formatWhen } from "@/lib/dates";

import { useStopStart } from "./api";


export function StopControl({ project }: { project: Pick<Project, "slug" | "stopped_at" | "stopped_role" | "stop_reason"> }) {
  const { data: me } = useMe();
  const mayStop = can(me?.roles ?? [], "stopModel");
  const mutation = useStopStart(project.slug);
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState("");
  const stopped = project.stopped_at != null;
  const action = stopped ? "start" : "stop";

  const open = () => {
    mutation.reset();
    setDone("");
    setAsking(true);
  };
  const confirm = (reason: string) =>
    mutation.mutate(
      { action, reason },
      {
        onSuccess: () => {
          setAsking(false);
          setDone(action === "stop" ? "The model is stopped." : "The model runs again.");
        },
      },
    );

  const dialog = asking && (
    <ConfirmDialog
      open
      title={stopped ? "Start the model again?" : "Stop the model?"}
      confirmLabel={stopped ? "Start the model" : "Stop the model"}
      danger={!stopped}
      reason
      requireReason
      busy={mutation.isPending}
      onConfirm={confirm}
      onCancel={() => setAsking(false)}
    >
      <p>
        {stopped
          ? "Predictions, queue scoring and training are allowed again."
          : "Until someone starts it again, the API refuses predictions, queue scoring and training for this project (503). Answers and reviews already given are kept."}{" "}
        The reason is recorded in the audit log.
      </p>
      <ErrorMessage error={mutation.error} />
    </ConfirmDialog>
  );

  if (!stopped) {
    return (
      <>
        {mayStop && (
          <Button variant="danger" className="stop-button" onClick={open}>
            Stop the model
          </Button>
        )}
        {done && (
          <span role="status" className="small muted">
            {done}
          </span>
        )}
        {dialog}
      </>
    );
  }
  const role = ROLE_NAMES[project.stopped_role] ?? (project.stopped_role || "someone");
  return (
    <div className="alert alert-error stop-banner" role="status" aria-live="polite">
      <div>
        <strong>The model is stopped</strong> — stopped by {role.toLowerCase()} at {formatWhen(project.stopped_at!, "medium")}:{" "}
        <q>{project.stop_reason || "no reason recorded"}</q>
        <div className="small">Predictions, queue scoring and training are refused until it is started again.</div>
      </div>
      {mayStop && (
        <Button variant="primary" onClick={open}>
          Start the model again
        </Button>
      )}
      {dialog}
    </div>
  );
}
