// Default API answers for every test: logged out, no projects. Tests override with server.use(...).
import { http, HttpResponse } from "msw";

import { apiUrl } from "./api-url";

export const baseHandlers = [
  http.get(apiUrl("/auth/me/"), () =>
    HttpResponse.json({ detail: "Authentication credentials were not provided." }, { status: 401 }),
  ),
  http.get(apiUrl("/projects/"), () => HttpResponse.json([])),
];

/** Logs the test in as `user` and serves `projects` from the list and detail endpoints. */
export function sessionHandlers(user: object, projects: { slug: string }[] = []) {
  return [
    http.get(apiUrl("/auth/me/"), () => HttpResponse.json(user)),
    http.get(apiUrl("/projects/"), () => HttpResponse.json(projects)),
    http.get(apiUrl("/projects/:slug/"), ({ params }) => {
      const project = projects.find((p) => p.slug === params.slug);
      return project ? HttpResponse.json(project) : HttpResponse.json({ detail: "No such project." }, { status: 404 });
    }),
  ];
}

type StopState = { stopped_at: string | null; stopped_role: string; stop_reason: string };

/** POST /projects/:slug/stop/ and /start/ against `project` (mutated like the API: 409 when already in that
 *  state, 400 without a reason); every accepted body is recorded in `posted`. */
export function oversightHandlers(project: { slug: string } & StopState, role = "ml_engineer") {
  const posted: { action: string; body: unknown }[] = [];
  const act = (action: "stop" | "start") =>
    http.post(apiUrl(`/projects/${project.slug}/${action}/`), async ({ request }) => {
      const body = (await request.json()) as { reason?: string };
      if (!body.reason?.trim()) return HttpResponse.json({ reason: ["This field may not be blank."] }, { status: 400 });
      if ((action === "stop") === (project.stopped_at != null)) {
        return HttpResponse.json({ detail: action === "stop" ? "Already stopped." : "Not stopped." }, { status: 409 });
      }
      posted.push({ action, body });
      Object.assign(
        project,
        action === "stop"
          ? { stopped_at: "2026-11-30T09:15:00Z", stopped_role: role, stop_reason: body.reason }
          : { stopped_at: null, stopped_role: "", stop_reason: "" },
      );
      const { stopped_at, stopped_role, stop_reason } = project;
      return HttpResponse.json({ slug: project.slug, stopped: stopped_at != null, stopped_at, stopped_role, stop_reason });
    });
  return { handlers: [act("stop"), act("start")], posted };
}

/** GET /projects/:slug/contests/?status= over `contests`, and POST /contests/:id/decide/ (recorded in `decided`). */
export function contestHandlers(slug: string, contests: { id: number; status: string; [key: string]: unknown }[]) {
  const decided: { id: number; body: unknown }[] = [];
  return {
    decided,
    handlers: [
      http.get(apiUrl(`/projects/${slug}/contests/`), ({ request }) => {
        const status = new URL(request.url).searchParams.get("status") ?? "open";
        return HttpResponse.json(status === "all" ? contests : contests.filter((c) => c.status === status));
      }),
      http.post(apiUrl("/contests/:id/decide/"), async ({ params, request }) => {
        const contest = contests.find((c) => c.id === Number(params.id));
        if (!contest) return HttpResponse.json({ detail: "No such contest." }, { status: 404 });
        if (contest.status !== "open") return HttpResponse.json({ detail: `Contest ${contest.id} was already decided.` }, { status: 409 });
        const body = (await request.json()) as { note?: string; label?: string; boxes?: unknown[] };
        decided.push({ id: contest.id, body });
        // As the API answers: text decides a label; detection the boxes sent, or the model's without confidences.
        const model = contest.predicted_boxes as Record<string, unknown>[] | null | undefined;
        const kept = model?.map(({ confidence: _confidence, ...box }) => box);
        Object.assign(contest, {
          status: "decided",
          decision_id: 900 + contest.id,
          decision_note: body.note ?? "",
          decided_at: "2026-11-30T10:00:00Z",
          decided_label: model ? "" : (body.label ?? contest.predicted_label),
          decided_boxes: model ? (body.boxes ?? kept) : null,
        });
        return HttpResponse.json(contest);
      }),
    ],
  };
}
