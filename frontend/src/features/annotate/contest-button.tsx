// "Contest this prediction" (GDPR Art. 21, 22(3)): on a data subject's behalf, object to the model's
// answer so that a human decides it instead; the reason is required and goes to the audit log.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { Badge, Button, ConfirmDialog, ErrorMessage } from "@/components/ui";
import { api, unwrap } from "@/lib/api/client";

export function ContestButton({ predictionId, contested }: { predictionId: number; contested: boolean }) {
  const [asking, setAsking] = useState(false);
  const contest = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST("/api/v1/predictions/{prediction_id}/contest/", { params: { path: { prediction_id: predictionId } }, body: { reason } })),
    onSuccess: () => setAsking(false),
  });
  if (contested || contest.isSuccess) {
    return contest.isSuccess ? (
      <p role="status" className="small">
        <Badge tone="warn">contested</Badge> Contest #{contest.data.id} filed: a reviewer decides this prediction.
      </p>
    ) : null;
  }
  return (
    <>
      <Button
        variant="ghost"
        className="contest-button"
        onClick={() => {
          contest.reset();
          setAsking(true);
        }}
      >
        Contest this prediction…
      </Button>
      {asking && (
        <ConfirmDialog
          open
          title="Contest this prediction?"
          confirmLabel="Contest"
          reason
          requireReason
          busy={contest.isPending}
          onConfirm={(reason) => contest.mutate(reason)}
          onCancel={() => setAsking(false)}
        >
          <p>
            The data subject (or you, on their behalf) objects to the model's answer: a reviewer decides this item instead
            of the model (GDPR Art. 21, 22(3)). Say what the objection is.
          </p>
          <ErrorMessage error={contest.error} />
        </ConfirmDialog>
      )}
    </>
  );
}
