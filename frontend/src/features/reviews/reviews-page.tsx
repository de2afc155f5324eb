// The second review: flagged answers, oldest first, each with the model's boxes, the first answer
// and an editable final answer side by side. Reviewers and admins submit; auditors read.
import { useEffect, useState } from "react";

import { ErrorMessage, Loading, Page, Pager } from "@/components/ui";
import { useCan } from "@/lib/auth/session";
import { useProject, useProjectSlug } from "@/lib/project";

import { useReviews } from "./api/reviews";
import { useSubmitReview } from "./api/submit-review";
import type { ReviewStatus } from "./api/types";
import { ReviewDetail, type ReviewSubmit } from "./components/review-detail";
import { ReviewList } from "./components/review-list";
import "./reviews.css";

const PAGE_SIZE = 20;
const LAST = -1; // select the last entry of a page (after "Previous" across a page boundary)

const FILTERS: { value: ReviewStatus; label: string }[] = [
  { value: "pending", label: "Waiting for review" },
  { value: "reviewed", label: "Reviewed" },
  { value: "all", label: "All flagged answers" },
];

const EMPTY: Record<ReviewStatus, string> = {
  pending: "Nothing is waiting for review. Answers whose boxes disagree with the model show up here.",
  reviewed: "No answer has been reviewed yet.",
  all: "No answer has been flagged yet.",
};

export function ReviewsPage() {
  const slug = useProjectSlug();
  const project = useProject(slug).data;
  const canSubmit = useCan("review");
  const [status, setStatus] = useState<ReviewStatus>("pending");
  const [offset, setOffset] = useState(0);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [afterSubmit, setAfterSubmit] = useState(false);
  const reviews = useReviews(slug, status, offset, PAGE_SIZE);
  const submit = useSubmitReview(slug);

  const entries = reviews.data?.results ?? [];
  const count = reviews.data?.count ?? 0;
  const index = Math.max(
    0,
    selectedId === LAST ? entries.length - 1 : entries.findIndex((entry) => entry.id === selectedId),
  );
  const current = entries[index];

  // The last item of a later page was reviewed away: show the page before.
  useEffect(() => {
    if (reviews.data && entries.length === 0 && offset > 0) setOffset(Math.max(0, offset - PAGE_SIZE));
  }, [reviews.data, entries.length, offset]);

  const open = (id: number | null, focus = false) => {
    submit.reset();
    setSelectedId(id);
    setAfterSubmit(focus);
  };
  const changePage = (next: number, pick: number | null = null) => {
    setOffset(next);
    open(pick);
  };
  const onSubmit = (answer: ReviewSubmit) => {
    if (!current) return;
    const next = entries[index + 1] ?? entries[index - 1] ?? null;
    submit.mutate(
      { feedbackId: current.id, ...answer },
      { onSuccess: () => open(status === "pending" ? (next?.id ?? null) : current.id, true) },
    );
  };

  const waiting = status === "pending" ? count : project?.pending_reviews;
  const position = offset + index + 1;

  return (
    <Page
      title="Second review"
      actions={
        <div className="rv-filters">
          {waiting !== undefined && (
            <p className="rv-waiting-count" aria-live="polite">
              <strong>{waiting.toLocaleString()}</strong> waiting for review
            </p>
          )}
          <label className="rv-filter">
            <span>Show</span>
            <select
              value={status}
              onChange={(event) => {
                setStatus(event.target.value as ReviewStatus);
                changePage(0);
              }}
            >
              {FILTERS.map((filter) => (
                <option key={filter.value} value={filter.value}>
                  {filter.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      }
    >
      {!canSubmit && (
        <p className="alert alert-info">You can read the reviews; reviewers and admins give them.</p>
      )}
      {reviews.isPending ? (
        <Loading label="Loading the review queue…" />
      ) : reviews.error ? (
        <ErrorMessage error={reviews.error} />
      ) : !current ? (
        <p className="card rv-empty">{EMPTY[status]}</p>
      ) : (
        <>
          <ReviewDetail
            key={current.id}
            entry={current}
            position={position}
            total={count}
            isImage={project ? project.task === "object_detection" : current.item_width !== null}
            labels={Array.isArray(project?.labels) ? (project.labels as string[]) : []}
            canSubmit={canSubmit}
            busy={submit.isPending}
            error={submit.error}
            focusHeading={afterSubmit}
            onPrevious={
              index > 0 ? () => open(entries[index - 1].id) : offset > 0 ? () => changePage(offset - PAGE_SIZE, LAST) : undefined
            }
            onNext={
              index + 1 < entries.length
                ? () => open(entries[index + 1].id)
                : offset + PAGE_SIZE < count
                  ? () => changePage(offset + PAGE_SIZE)
                  : undefined
            }
            onSubmit={onSubmit}
          />
          <section className="rv-queue" aria-labelledby="rv-queue-title">
            <h2 id="rv-queue-title">{FILTERS.find((f) => f.value === status)?.label}</h2>
            <ReviewList entries={entries} currentId={current.id} onOpen={(id) => open(id)} />
            {count > PAGE_SIZE && <Pager offset={offset} limit={PAGE_SIZE} count={count} onChange={(next) => changePage(next)} />}
          </section>
        </>
      )}
    </Page>
  );
}
