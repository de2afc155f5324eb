// An in-memory queue server for page tests, behaving like the API: answered items leave the queue
// (so offsets shift), every POST is recorded, and any endpoint can be made to fail.
import { http, HttpResponse } from "msw";

import { apiUrl } from "@/test/api-url";
import { detectionProject, textProject } from "@/test/fixtures";

export type Entry = {
  prediction_id: number;
  item_id: number;
  text: string;
  label: string;
  confidence: number;
  probabilities: Record<string, number>;
  boxes: { label: string; confidence: number; x: number; y: number; w: number; h: number }[] | null;
  model_version: number;
  scored_by_champion: boolean;
  contested: boolean;
  item_width: number | null;
  item_height: number | null;
  created_at: string;
};

const TEXTS = [
  "I was charged twice for my subscription",
  "The app crashes when I upload a photo",
  "Where is my parcel? It has been two weeks",
  "How do I change the email on my account?",
  "Does the pro plan include an API?",
];

export function textEntry(n: number, overrides: Partial<Entry> = {}): Entry {
  const labels = textProject.labels;
  const label = overrides.label ?? labels[(n - 1) % labels.length];
  const confidence = overrides.confidence ?? 0.3 + n / 1000;
  const rest = (1 - confidence) / (labels.length - 1);
  return {
    prediction_id: 100 + n,
    item_id: 1000 + n,
    text: `${TEXTS[(n - 1) % TEXTS.length]} (#${n})`,
    label,
    confidence,
    probabilities: Object.fromEntries(labels.map((l) => [l, l === label ? confidence : rest])),
    boxes: null,
    model_version: 2,
    scored_by_champion: true,
    contested: false,
    item_width: null,
    item_height: null,
    created_at: "2026-11-29T10:00:00Z",
    ...overrides,
  };
}

export function imageEntry(n: number, overrides: Partial<Entry> = {}): Entry {
  return {
    prediction_id: 500 + n,
    item_id: 5000 + n,
    text: "",
    label: "",
    confidence: 0.41,
    probabilities: {},
    boxes: [
      { label: "circle", confidence: 0.41, x: 10, y: 12, w: 40, h: 38 },
      { label: "square", confidence: 0.88, x: 80, y: 60, w: 30, h: 30 },
    ],
    model_version: 1,
    scored_by_champion: true,
    contested: false,
    item_width: 160,
    item_height: 120,
    created_at: "2026-11-29T10:00:00Z",
    ...overrides,
  };
}

type Posted = { predictionId: number; body: Record<string, unknown> };

export function fakeQueue(entries: Entry[], { detection = false } = {}) {
  const state = {
    queue: [...entries],
    posted: [] as Posted[],
    gets: [] as { offset: number; limit: number }[],
    failNext: null as null | { status: number; detail: string },
    scoring: null as null | Record<string, unknown>,
    scoringGets: 0,
    strategy: "least_confident",
    strategyNote: "",
  };
  const project = detection ? detectionProject : textProject;
  let feedbackId = 1;
  const handlers = [
    http.get(apiUrl("/projects/:slug/queue/"), ({ request }) => {
      const url = new URL(request.url);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 50);
      state.gets.push({ offset, limit });
      const results = state.queue.slice(offset, offset + limit);
      const next = offset + limit < state.queue.length ? `${url.origin}${url.pathname}?limit=${limit}&offset=${offset + limit}` : null;
      return HttpResponse.json({
        count: state.queue.length,
        next,
        previous: null,
        strategy: state.strategy,
        strategy_note: state.strategyNote,
        results,
      });
    }),
    http.get(apiUrl("/projects/:slug/queue/scoring/"), () => {
      state.scoringGets += 1;
      return HttpResponse.json(state.scoring);
    }),
    http.post(apiUrl("/predictions/:id/feedback/"), async ({ request, params }) => {
      const body = (await request.json()) as Record<string, unknown>;
      const predictionId = Number(params.id);
      state.posted.push({ predictionId, body });
      if (state.failNext) {
        const { status, detail } = state.failNext;
        state.failNext = null;
        return HttpResponse.json({ detail }, { status });
      }
      const entry = entries.find((e) => e.prediction_id === predictionId)!;
      state.queue = state.queue.filter((e) => e.prediction_id !== predictionId);
      const flagged = detection && body.verdict === "correct";
      return HttpResponse.json(
        {
          id: feedbackId++,
          prediction_id: predictionId,
          item_id: entry.item_id,
          verdict: body.verdict,
          label: body.label ?? null,
          resolved_label: body.label ?? entry.label,
          boxes: body.boxes ?? null,
          resolved_boxes: body.boxes ?? null,
          flags: flagged ? [{ flag: "label_changed", model_index: 0, human_index: 0 }, { flag: "missed", human_index: 2 }] : [],
          status: flagged ? "pending_review" : "accepted",
          comment: body.comment ?? "",
          created_at: "2026-11-29T10:01:00Z",
        },
        { status: 201 },
      );
    }),
  ];
  return { state, handlers, project };
}
