// POST /predictions/{prediction_id}/feedback/: one answer; the same prediction may be answered again (latest wins).
import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type Feedback = components["schemas"]["FeedbackOutput"];

export type AnswerBox = { label: string; x: number; y: number; w: number; h: number };

export type Answer =
  | { verdict: "accept"; comment?: string }
  | { verdict: "correct"; label: string; comment?: string }
  | { verdict: "correct"; boxes: AnswerBox[]; comment?: string };

export function postFeedback(predictionId: number, answer: Answer): Promise<Feedback> {
  return unwrap(
    api.POST("/api/v1/predictions/{prediction_id}/feedback/", {
      params: { path: { prediction_id: predictionId } },
      body: answer,
    }),
  );
}
