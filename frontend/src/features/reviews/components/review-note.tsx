import type { ReviewEntry } from "../api/types";

/** Who reviewed an answer, when, and their note. */
export function ReviewNote({ entry }: { entry: ReviewEntry }) {
  if (!entry.review) return null;
  const when = entry.review.created_at ? ` on ${new Date(entry.review.created_at).toLocaleString()}` : "";
  return (
    <p className="rv-comment">
      Reviewed by {entry.review.reviewer ?? "a reviewer"}
      {when}
      {entry.review.notes ? (
        <>
          : <q>{entry.review.notes}</q>
        </>
      ) : (
        "."
      )}
    </p>
  );
}
