// The annotator's review queue: least confident predictions first, answered with the keyboard.
// The queue's first page is requested by the route loader, before the project and the session
// resolve, so the first item is on screen after one round trip.
import { lazy, Suspense, useEffect, useRef } from "react";
import type { LoaderFunctionArgs } from "react-router-dom";

import { Button, ErrorMessage, Loading, Page } from "@/components/ui";
import { useProject, useProjectSlug } from "@/lib/project";

import "./annotate.css";
import type { Answer } from "./api/feedback";
import { itemImageUrl } from "./api/item";
import { prefetchFirstPage } from "./api/prefetch";
import { isScoringActive, useQueueScoring } from "./api/scoring";
import { AnswerStatus } from "./answer-status";
import { formatCount } from "./format";
import { ContestButton } from "./contest-button";
import { FIRST_LABEL_SHORTCUTS, FirstLabels } from "./first-labels";
import { QueueHeader } from "./queue-header";
import { leftCount } from "./queue-state";
import { ScoringBanner } from "./scoring-banner";
import { ShortcutLegend, TEXT_SHORTCUTS } from "./shortcut-legend";
import { TextAnnotator } from "./text-annotator";
import { useQueueSession, type QueueSession } from "./use-queue-session";

// The box editor is heavy and only image projects need it: its own chunk.
const ImageAnnotator = lazy(() => import("./image-annotator").then((m) => ({ default: m.ImageAnnotator })));

/** Route loader: starts the queue request at navigation, in parallel with everything else. */
export function queueLoader({ params }: LoaderFunctionArgs) {
  if (params.slug) prefetchFirstPage(params.slug);
  return null;
}

export function QueuePage() {
  const slug = useProjectSlug();
  const project = useProject(slug);
  const session = useQueueSession(slug);
  const scoring = useQueueScoring(slug);
  useRefreshAfterScoring(scoring.data, session);

  const { state, current } = session;
  const labels = (project.data?.labels ?? []) as string[];
  const detection = project.data?.task === "object_detection";
  usePreloadImages(detection ? state.line.slice(current?.previous ? 0 : 1, 3).map((e) => e.item_id) : []);
  const champion = project.data?.champion?.number ?? null;
  // No model yet, so nothing is scored and the queue is empty: offer the cold-start texts for first labels instead.
  const firstLabels =
    !detection && !!project.data && project.data.champion === null && state.loaded && state.exhausted &&
    !current && !state.error && !session.fetching;

  return (
    <Page
      title="Review queue"
      actions={
        current && (
          <ContestButton key={current.entry.prediction_id} predictionId={current.entry.prediction_id} contested={current.entry.contested} />
        )
      }
    >
      {!firstLabels && (
        <QueueHeader
          left={leftCount(state)}
          answered={state.history.length}
          entry={current?.entry ?? null}
          champion={champion}
          strategy={state.strategy}
        />
      )}
      <ScoringBanner job={scoring.data} />
      <AnswerStatus history={state.history} onRetry={session.retry} onChange={session.goto} />
      {current?.previous && <RevisitNote session={session} />}
      {state.recycled && !current?.previous && current && (
        <p className="alert alert-info">Back to the items you skipped.</p>
      )}
      <div className={detection ? "annotate-layout annotate-layout-image" : "annotate-layout"}>
        <div className="annotate-main">{body()}</div>
        {!detection && <ShortcutLegend shortcuts={firstLabels ? FIRST_LABEL_SHORTCUTS : TEXT_SHORTCUTS} />}
      </div>
    </Page>
  );

  function body() {
    if (!state.loaded || project.isPending) return <Loading label="Loading the queue…" />;
    if (project.error) return <ErrorMessage error={project.error} />;
    if (!current) {
      if (state.error)
        return (
          <div>
            <ErrorMessage error={state.error} title="The queue could not be loaded:" />
            <Button onClick={session.reload}>Try again</Button>
          </div>
        );
      if (session.fetching || !state.exhausted) return <Loading label="Loading more items…" />;
      if (firstLabels) {
        return <FirstLabels slug={slug} labels={labels} retrainAfter={project.data?.retrain_min_feedback ?? 0} />;
      }
      return <EmptyQueue answered={state.history.length} scoring={isScoringActive(scoring.data)} />;
    }
    const key = `${current.entry.prediction_id}:${current.previous?.key ?? "new"}`;
    const common = {
      entry: current.entry,
      previous: current.previous,
      labels,
      canBack: state.history.length > 0 && state.revisit !== 0,
      onSubmit: session.submit,
      onSkip: session.skip,
      onBack: session.back,
      onForward: session.forward,
    };
    if (!detection) return <TextAnnotator key={key} {...common} />;
    return (
      <Suspense fallback={<Loading label="Loading the box editor…" />}>
        <ImageAnnotator key={key} {...common} />
      </Suspense>
    );
  }
}

function EmptyQueue({ answered, scoring }: { answered: number; scoring: boolean }) {
  return (
    <div className="card empty-queue">
      <h2>Nothing to annotate — the queue is empty</h2>
      {answered > 0 && <p>You answered {formatCount(answered)} in this session. Thank you.</p>}
      <p className="muted">
        {scoring
          ? "The model is scoring new items right now; they appear here as soon as they are ready."
          : "New items appear when data is imported or a new model scores the pool."}
      </p>
    </div>
  );
}

function RevisitNote({ session }: { session: QueueSession }) {
  const { state } = session;
  const index = state.revisit ?? 0;
  const previous = state.history[index];
  return (
    <p className="alert alert-info revisit-note">
      Changing answer {index + 1} of {state.history.length}: you {describeAnswer(previous.answer)}. Submitting sends a
      new answer (the latest one counts); <kbd>→</kbd> goes forward and keeps it.
    </p>
  );
}

function describeAnswer(answer: Answer): string {
  if (answer.verdict === "accept") return "accepted the model's answer";
  if ("label" in answer) return `chose “${answer.label}”`;
  if (!answer.boxes.length) return "said nothing is here";
  return `corrected the boxes (${answer.boxes.length} box${answer.boxes.length > 1 ? "es" : ""})`;
}

/** The next images start downloading while the annotator works on this one, so moving on is instant. */
function usePreloadImages(itemIds: number[]) {
  const key = itemIds.join(",");
  useEffect(() => {
    // Not cancelled on change: the next key still holds most of these ids.
    for (const id of key ? key.split(",") : []) new Image().src = itemImageUrl(Number(id));
  }, [key]);
}

/** When a scoring pass ends the queue is re-ranked; while one runs, an empty screen fills as items come. */
function useRefreshAfterScoring(job: ReturnType<typeof useQueueScoring>["data"], session: QueueSession) {
  const wasActive = useRef(false);
  const active = isScoringActive(job);
  const waiting = !session.current && session.state.exhausted && !session.fetching;
  const { refresh } = session;
  useEffect(() => {
    if (wasActive.current && !active) refresh();
    wasActive.current = active;
  }, [active, refresh]);
  const done = job?.done;
  useEffect(() => {
    if (active && waiting) refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per progress step, not per render
  }, [active, done]);
}
