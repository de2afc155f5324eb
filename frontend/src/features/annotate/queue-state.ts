// The annotation session as a pure state machine: a local cursor over the server's queue, the answers
// given in this session (to go back and change them), skipped items, and each answer's delivery.
//
// The server's queue only lists items nobody has answered, so it shrinks as answers arrive; the
// session therefore never pages by "offset += page size" (that would jump over items) but asks for
// the items after those it still holds, and drops any it has already taken (by item id).
import type { Answer, Feedback } from "./api/feedback";
import type { QueueEntry, QueuePage } from "./api/queue";

export type Delivery = "sending" | "sent" | "failed";

/** What the queue page hands the text and the image annotator: the item, the answer given to it earlier in this
 *  session (when the user went back), and the moves. */
export type AnnotatorProps = {
  entry: QueueEntry;
  previous: Answered | null;
  labels: string[];
  canBack: boolean;
  onSubmit: (answer: Answer) => void;
  onSkip: () => void;
  onBack: () => void;
  onForward: () => void;
};

export type Answered = {
  key: number;
  entry: QueueEntry;
  answer: Answer;
  delivery: Delivery;
  /** Which POST the delivery belongs to: a stale attempt's result never overwrites a newer answer's. */
  attempt: number;
  error?: string;
  feedback?: Feedback;
  /** First-answer ordinal, to count how many of the last fetched `count` have been answered since. */
  seq: number;
};

export type QueueState = {
  line: QueueEntry[]; // upcoming items; line[0] is the current one unless revisiting
  skipped: QueueEntry[]; // come back when the line and the server run out
  history: Answered[]; // answered in this session, oldest first
  revisit: number | null; // index into history while going back
  seen: number[]; // item ids taken into the session
  count: number | null; // the server's count at the last fetch
  strategy: { name: string; note: string } | null; // what ordered the last page fetched
  countSeq: number; // answers given before that fetch started
  exhausted: boolean; // the server has nothing beyond what the session holds
  loaded: boolean;
  error: string | null; // the last page fetch's error
  recycled: boolean; // the line now holds the skipped items again
};

export const initialState: QueueState = {
  line: [],
  skipped: [],
  history: [],
  revisit: null,
  seen: [],
  count: null,
  strategy: null,
  countSeq: 0,
  exhausted: false,
  loaded: false,
  error: null,
  recycled: false,
};

export type Action =
  | { type: "page"; page: QueuePage; seq: number }
  | { type: "refresh"; page: QueuePage; seq: number }
  | { type: "pageFailed"; error: string }
  | { type: "submit"; answer: Answer; key: number }
  | { type: "skip" }
  | { type: "back" }
  | { type: "forward" }
  | { type: "goto"; key: number }
  | { type: "retry"; key: number }
  | { type: "sent"; key: number; attempt: number; feedback: Feedback }
  | { type: "failed"; key: number; attempt: number; error: string };

/** The item on screen: an upcoming one, or an earlier answer being changed. */
export function currentOf(state: QueueState): { entry: QueueEntry; previous: Answered | null } | null {
  if (state.revisit !== null) {
    const previous = state.history[state.revisit];
    return previous ? { entry: previous.entry, previous } : null;
  }
  return state.line[0] ? { entry: state.line[0], previous: null } : null;
}

/** Items still unanswered on the server among those the session holds: where the next page starts. */
export function heldOffset(state: QueueState): number {
  // Answers still on their way may or may not be committed: count them as gone (a lower offset only
  // returns items the session already has, which it drops; a higher one would jump over items).
  return state.line.length + state.skipped.length + state.history.filter((h) => h.delivery === "failed").length;
}

export function leftCount(state: QueueState): number | null {
  if (state.count === null) return null;
  const since = state.history.filter((h) => h.seq >= state.countSeq && h.delivery !== "failed").length;
  return Math.max(0, state.count - since);
}

function strategyOf(page: QueuePage): QueueState["strategy"] {
  return page.strategy ? { name: page.strategy, note: page.strategyNote ?? "" } : null;
}

export function reduce(state: QueueState, action: Action): QueueState {
  switch (action.type) {
    case "page": {
      const seen = new Set(state.seen);
      const fresh = action.page.results.filter((entry) => !seen.has(entry.item_id));
      fresh.forEach((entry) => seen.add(entry.item_id));
      return recycle({
        ...state,
        line: [...state.line, ...fresh],
        seen: [...seen],
        count: action.page.count,
        strategy: strategyOf(action.page),
        countSeq: action.seq,
        exhausted: action.page.next === null,
        loaded: true,
        error: null,
      });
    }
    case "refresh": {
      // A new scoring pass re-ranked the queue: keep the item on screen, the answers and the skipped
      // items; take the rest of the line from the new ranking.
      const current = state.line[0]; // on screen, or where the session goes on after going back
      const kept = new Set([...state.history.map((h) => h.entry.item_id), ...state.skipped.map((e) => e.item_id)]);
      if (current) kept.add(current.item_id);
      const fresh = action.page.results.filter((entry) => !kept.has(entry.item_id));
      const line = current ? [current, ...fresh] : fresh;
      return recycle({
        ...state,
        line,
        seen: [...kept, ...fresh.map((e) => e.item_id)],
        count: action.page.count,
        strategy: strategyOf(action.page),
        countSeq: action.seq,
        exhausted: action.page.next === null,
        loaded: true,
        error: null,
        recycled: false,
      });
    }
    case "pageFailed":
      return { ...state, error: action.error, loaded: true };
    case "submit": {
      if (state.revisit !== null) {
        const index = state.revisit;
        const history = state.history.map((h, i) =>
          i === index
            ? { ...h, answer: action.answer, delivery: "sending" as const, attempt: h.attempt + 1, error: undefined }
            : h,
        );
        return { ...state, history, revisit: index + 1 < history.length ? index + 1 : null };
      }
      const [entry, ...rest] = state.line;
      if (!entry) return state;
      const seq = state.history.length;
      const answered: Answered = { key: action.key, entry, answer: action.answer, delivery: "sending", attempt: 1, seq };
      return recycle({ ...state, line: rest, history: [...state.history, answered] });
    }
    case "skip": {
      if (state.revisit !== null) return reduce(state, { type: "forward" });
      const [entry, ...rest] = state.line;
      if (!entry) return state;
      return recycle({ ...state, line: rest, skipped: [...state.skipped, entry] });
    }
    case "back": {
      if (!state.history.length) return state;
      const revisit = state.revisit === null ? state.history.length - 1 : Math.max(0, state.revisit - 1);
      return { ...state, revisit };
    }
    case "forward": {
      if (state.revisit === null) return state;
      return { ...state, revisit: state.revisit + 1 < state.history.length ? state.revisit + 1 : null };
    }
    case "goto": {
      const index = state.history.findIndex((h) => h.key === action.key);
      return index < 0 ? state : { ...state, revisit: index };
    }
    case "retry":
      return {
        ...state,
        history: state.history.map((h) =>
          h.key === action.key ? { ...h, delivery: "sending", attempt: h.attempt + 1, error: undefined } : h,
        ),
      };
    case "sent":
    case "failed":
      return {
        ...state,
        history: state.history.map((h) => {
          if (h.key !== action.key || h.attempt !== action.attempt) return h;
          return action.type === "sent"
            ? { ...h, delivery: "sent", feedback: action.feedback, error: undefined }
            : { ...h, delivery: "failed", error: action.error };
        }),
      };
  }
}

/** When the line and the server have run out, the skipped items come back. */
function recycle(state: QueueState): QueueState {
  if (state.line.length || !state.exhausted || !state.skipped.length) return state;
  return { ...state, line: state.skipped, skipped: [], recycled: true };
}
