// POST /feedback/{id}/review/: the final answer (boxes for images, a label for texts) with a note.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { EditorBox } from "@/components/box-editor";
import { api, unwrap } from "@/lib/api/client";
import { projectKeys } from "@/lib/project";

import { reviewKeys } from "./reviews";
import { toEntry } from "./types";

export type ReviewAnswer =
  | { feedbackId: number; boxes: EditorBox[]; notes: string }
  | { feedbackId: number; label: string; notes: string };

export async function submitReview(answer: ReviewAnswer) {
  const body =
    "boxes" in answer
      ? { boxes: answer.boxes.map(({ label, x, y, w, h }) => ({ label, x, y, w, h })), notes: answer.notes }
      : { label: answer.label, notes: answer.notes };
  const entry = await unwrap(
    api.POST("/api/v1/feedback/{feedback_id}/review/", { params: { path: { feedback_id: answer.feedbackId } }, body }),
  );
  return toEntry(entry);
}

export function useSubmitReview(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: submitReview,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: reviewKeys.all(slug) });
      // pending_reviews on the project list and header
      void queryClient.invalidateQueries({ queryKey: projectKeys.all });
    },
  });
}
