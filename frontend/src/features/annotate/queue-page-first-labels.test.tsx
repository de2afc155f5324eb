import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { fakeQueue } from "./test/fake-queue";

configure({ asyncUtilTimeout: 3000 });

const fresh = { ...textProject, champion: null, queue_count: 0 };
type Text = { item_id: number; text: string; created_at: string };
const texts = (n: number): Text[] =>
  Array.from({ length: n }, (_, i) => ({
    item_id: 2000 + i + 1,
    text: `Unscored ticket number ${i + 1}`,
    created_at: "2026-11-29T10:00:00Z",
  }));

/** The cold-start list and the first-label endpoint, behaving like the API: a labelled text leaves the list. */
function fakeColdStart(entries: Text[]) {
  const state = {
    pool: [...entries],
    gets: [] as { offset: number; limit: number }[],
    posted: [] as { itemId: number; body: unknown }[],
    failNext: null as null | { status: number; detail: string },
  };
  const handlers = [
    http.get(apiUrl("/projects/:slug/queue/cold-start/"), ({ request }) => {
      const url = new URL(request.url);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 50);
      state.gets.push({ offset, limit });
      const results = state.pool.slice(offset, offset + limit);
      const next = offset + limit < state.pool.length ? `${url.pathname}?offset=${offset + limit}` : null;
      return HttpResponse.json({ count: state.pool.length, next, previous: null, results });
    }),
    http.post(apiUrl("/projects/:slug/items/:id/label/"), async ({ request, params }) => {
      const body = (await request.json()) as { label: string };
      const itemId = Number(params.id);
      state.posted.push({ itemId, body });
      if (state.failNext) {
        const { status, detail } = state.failNext;
        state.failNext = null;
        return HttpResponse.json({ detail }, { status });
      }
      state.pool = state.pool.filter((e) => e.item_id !== itemId);
      return HttpResponse.json({ item_id: itemId, label: body.label, labelled_at: "2026-11-29T10:02:00Z" }, { status: 201 });
    }),
  ];
  return { state, handlers };
}

function setup(entries: Text[], project: typeof fresh | typeof textProject = fresh) {
  const cold = fakeColdStart(entries);
  server.use(...sessionHandlers(users.annotator, [project]), ...fakeQueue([]).handlers, ...cold.handlers);
  const view = renderAt(`/projects/${project.slug}/queue`);
  return { ...view, cold };
}

const shownTexts = () => screen.queryAllByRole("listitem").map((li) => within(li).getByRole("blockquote").textContent);

describe("first labels (no model yet)", () => {
  it("says who trains the first model when the project does not retrain by itself", async () => {
    setup(texts(2), { ...fresh, retrain_min_feedback: 0 });
    expect(await screen.findByText(/No model yet: these texts cover the pool/)).toHaveTextContent(
      "label them first; an ML engineer trains the first model from the Training page.",
    );
  });

  it("lists the cold-start texts in the server's order with the labels as buttons, and says why", async () => {
    const { cold } = setup(texts(3));
    expect(await screen.findByRole("heading", { name: "First labels" })).toBeInTheDocument();
    await screen.findByText(texts(3)[0].text);
    expect(screen.getByText(/No model yet: these texts cover the pool, label them first/)).toHaveTextContent(
      "The first model trains by itself once 50 texts have new labels; an ML engineer can also start it from the " +
        "Training page.",
    );
    expect(shownTexts()).toEqual(texts(3).map((t) => t.text));
    const first = screen.getAllByRole("listitem")[0];
    expect(within(first).getAllByRole("button").map((b) => b.textContent?.replace(/^\d\s*/, "").trim())).toEqual(
      textProject.labels,
    );
    expect(first).toHaveAttribute("aria-current", "true");
    expect(screen.getByTestId("first-labels-counts")).toHaveTextContent("3 to label · 0 labelled this session");
    expect(screen.getByText("label the marked text")).toBeInTheDocument();
    expect(screen.queryByTestId("queue-left")).not.toBeInTheDocument();
    expect(cold.state.gets).toEqual([{ offset: 0, limit: 20 }]);
  });

  it("labels the marked text with a number key; it leaves the list and the next one is marked", async () => {
    const { user, cold } = setup(texts(3));
    await screen.findByText(texts(3)[0].text);
    await user.keyboard("2");
    await waitFor(() => expect(cold.state.posted).toEqual([{ itemId: 2001, body: { label: "technical" } }]));
    await waitFor(() => expect(shownTexts()).toEqual([texts(3)[1].text, texts(3)[2].text]));
    expect(screen.getAllByRole("listitem")[0]).toHaveAttribute("aria-current", "true");
    await waitFor(() =>
      expect(screen.getByTestId("first-labels-counts")).toHaveTextContent("2 to label · 1 labelled this session"),
    );
  });

  it("moves the mark with the arrow keys and labels any text with a click", async () => {
    const { user, cold } = setup(texts(3));
    await screen.findByText(texts(3)[0].text);
    await user.keyboard("{ArrowDown}1");
    await waitFor(() => expect(cold.state.posted).toEqual([{ itemId: 2002, body: { label: "billing" } }]));
    const third = screen.getAllByRole("listitem").find((li) => li.textContent?.includes(texts(3)[2].text))!;
    await user.click(within(third).getByRole("button", { name: /shipping/ }));
    await waitFor(() => expect(cold.state.posted[1]).toEqual({ itemId: 2003, body: { label: "shipping" } }));
    await waitFor(() => expect(shownTexts()).toEqual([texts(3)[0].text]));
  });

  it("pages through the list like the queue", async () => {
    const { user, cold } = setup(texts(25));
    await screen.findByText(texts(25)[0].text);
    expect(shownTexts()).toHaveLength(20);
    expect(screen.getByText(/1–20 of 25/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next →" }));
    expect(await screen.findByText(texts(25)[20].text)).toBeInTheDocument();
    expect(shownTexts()).toEqual(texts(25).slice(20).map((t) => t.text));
    expect(cold.state.gets).toContainEqual({ offset: 20, limit: 20 });
  });

  it("brings a text back with the API's reason when labelling it fails, and drops one a model scored meanwhile", async () => {
    const { user, cold } = setup(texts(2));
    await screen.findByText(texts(2)[0].text);
    cold.state.failNext = { status: 400, detail: "Unknown label 'x'; the project's labels are billing, technical." };
    await user.keyboard("1");
    expect(await screen.findByRole("alert")).toHaveTextContent("Not labelled: Unknown label 'x'");
    expect(shownTexts()).toEqual(texts(2).map((t) => t.text));
    cold.state.failNext = { status: 409, detail: "Item 2001 has a model's prediction: answer it in the review queue." };
    await user.keyboard("1");
    expect(await screen.findByText(/Text 2001 was not labelled: Item 2001 has a model's prediction/)).toBeInTheDocument();
    expect(shownTexts()).toEqual([texts(2)[1].text]);
  });

  it("says when nothing is left to label", async () => {
    setup([]);
    expect(await screen.findByRole("heading", { name: "Nothing left to label here" })).toBeInTheDocument();
  });

  it("is not offered once a model exists: an empty queue stays the empty queue", async () => {
    const { cold } = setup(texts(2), textProject);
    expect(await screen.findByRole("heading", { name: "Nothing to annotate — the queue is empty" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "First labels" })).not.toBeInTheDocument();
    expect(cold.state.gets).toEqual([]);
  });
});
