// The annotation session as a hook: pages in the queue ahead of the annotator (prefetch), moves on as
// soon as an answer is given (optimistic) and delivers answers one after another in the background,
// so a slow or failed POST never blocks the next item and a re-answer always lands after the first.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";

import { errorMessage } from "@/lib/api/errors";
import { projectKeys } from "@/lib/project";

import { postFeedback, type Answer } from "./api/feedback";
import { PAGE_SIZE, takeFirstPage } from "./api/prefetch";
import { fetchQueuePage } from "./api/queue";
import { scoringKey } from "./api/scoring";
import { currentOf, heldOffset, initialState, reduce, type Action, type QueueState } from "./queue-state";

/** Ask for the next page when this few items are left in the line. */
const PREFETCH_AT = 5;
/** Pages in a row that may bring only items the session already has before it stops looking. */
const MAX_EMPTY_PAGES = 5;

function createStore() {
  let state: QueueState = initialState;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(action: Action) {
      state = reduce(state, action);
      listeners.forEach((listener) => listener());
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useQueueSession(slug: string) {
  const [store] = useState(createStore);
  const state = useSyncExternalStore(store.subscribe, store.get, store.get);
  const queryClient = useQueryClient();
  const loading = useRef(false);
  const [fetching, setFetching] = useState(false);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const nextKey = useRef(1);

  /**
   * Fetches a page and dispatches it; while a page brings only items the session already holds (answers
   * in flight still listed by the server) and the server has more, looks at the page after it.
   */
  const load = useCallback(
    async (offset: number | "first", type: "page" | "refresh") => {
      if (loading.current) return;
      loading.current = true;
      setFetching(true);
      try {
        let at = offset === "first" ? 0 : offset;
        for (let tries = 0; tries < MAX_EMPTY_PAGES; tries++) {
          const seq = store.get().history.length;
          const before = store.get().seen.length;
          const page = await (tries === 0 && offset === "first" ? takeFirstPage(slug) : fetchQueuePage(slug, at, PAGE_SIZE));
          store.dispatch({ type: tries === 0 ? type : "page", page, seq });
          // The scoring job is polled only while it runs; a later page is the moment to look for a new one.
          if (offset !== "first" && type === "page" && tries === 0) {
            void queryClient.invalidateQueries({ queryKey: scoringKey(slug) });
          }
          const after = store.get();
          if (after.exhausted || (tries === 0 && type === "refresh") || after.seen.length > before) break;
          at += page.results.length;
        }
      } catch (error) {
        store.dispatch({ type: "pageFailed", error: errorMessage(error) });
      } finally {
        loading.current = false;
        setFetching(false);
      }
    },
    [queryClient, slug, store],
  );

  // The first page: the one the route loader started, if it is fresh.
  useEffect(() => {
    void load("first", "page");
  }, [load, slug]);

  // Prefetch: the next page before the line runs out.
  const { loaded, exhausted, error, line } = state;
  useEffect(() => {
    if (!loaded || exhausted || error || line.length > PREFETCH_AT || loading.current) return;
    void load(heldOffset(store.get()), "page");
  }, [loaded, exhausted, error, line.length, load, store]);

  const send = useCallback(
    (key: number) => {
      const answered = store.get().history.find((h) => h.key === key);
      if (!answered) return;
      const { attempt, answer, entry } = answered;
      chain.current = chain.current.then(() =>
        postFeedback(entry.prediction_id, answer).then(
          (feedback) => {
            store.dispatch({ type: "sent", key, attempt, feedback });
            void queryClient.invalidateQueries({ queryKey: projectKeys.all, exact: true });
          },
          (failure: unknown) => store.dispatch({ type: "failed", key, attempt, error: errorMessage(failure) }),
        ),
      );
    },
    [queryClient, store],
  );

  const submit = useCallback(
    (answer: Answer) => {
      const current = currentOf(store.get());
      if (!current) return;
      const key = current.previous?.key ?? nextKey.current++;
      store.dispatch({ type: "submit", answer, key });
      send(key);
    },
    [send, store],
  );

  const retry = useCallback(
    (key: number) => {
      store.dispatch({ type: "retry", key });
      send(key);
    },
    [send, store],
  );

  const refresh = useCallback(() => void load(0, "refresh"), [load]);
  const reload = useCallback(() => void load(heldOffset(store.get()), "page"), [load, store]);

  // Answers still on their way or failed must not be lost by closing the tab.
  const unsaved = state.history.some((h) => h.delivery !== "sent");
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);

  return {
    state,
    current: currentOf(state),
    fetching,
    submit,
    retry,
    refresh,
    reload,
    skip: () => store.dispatch({ type: "skip" }),
    back: () => store.dispatch({ type: "back" }),
    forward: () => store.dispatch({ type: "forward" }),
    goto: (key: number) => store.dispatch({ type: "goto", key }),
  };
}

export type QueueSession = ReturnType<typeof useQueueSession>;
