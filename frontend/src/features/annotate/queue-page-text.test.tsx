import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { fakeQueue, textEntry, type Entry } from "./test/fake-queue";

// The first test of a file also loads the lazy page chunk; the machine running the suite may be busy.
configure({ asyncUtilTimeout: 3000 });

function setup(entries: Entry[], project: { slug: string; [key: string]: unknown } = textProject) {
  const fake = fakeQueue(entries);
  server.use(...sessionHandlers(users.annotator, [project]), ...fake.handlers);
  const view = renderAt(`/projects/${textProject.slug}/queue`);
  return { ...view, fake };
}

const entries = (n: number) => Array.from({ length: n }, (_, i) => textEntry(i + 1));

async function showsText(text: string, timeout?: number) {
  expect(await screen.findByText(text, { selector: "blockquote" }, { timeout })).toBeInTheDocument();
}

describe("review queue (text)", () => {
  it("shows the item with the model's label, every label's probability and its key, with one queue request", async () => {
    const { fake } = setup([textEntry(1, { label: "billing", confidence: 0.49 })]);
    await showsText(textEntry(1).text);
    expect(screen.getByText(/Model:/)).toHaveTextContent("Model: billing (49%)");
    const choices = screen.getAllByRole("radio");
    expect(choices.map((c) => (c as HTMLInputElement).value)).toEqual(textProject.labels);
    expect(screen.getByRole("radio", { name: /billing/ })).toBeChecked();
    const billing = screen.getByRole("radio", { name: /billing/ }).closest("label")!;
    expect(billing).toHaveClass("is-predicted");
    expect(within(billing).getByText("1")).toBeInTheDocument();
    expect(within(billing).getByText("49%")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Keyboard" })).toBeInTheDocument();
    expect(fake.state.gets).toHaveLength(1);
  });

  it("says, small, which strategy ordered the queue, and when it is a fallback", async () => {
    const { fake } = setup(entries(2));
    fake.state.strategy = "margin";
    await showsText(textEntry(1).text);
    const label = screen.getByTestId("queue-strategy");
    expect(label).toHaveTextContent(/^Smallest margin$/);
    expect(label).not.toHaveAttribute("title");
  });

  it("marks a fallback order and gives the reason on hover", async () => {
    const { fake } = setup(entries(1));
    fake.state.strategyNote = "diverse clusters texts; a detection project's queue is ordered least_confident";
    await showsText(textEntry(1).text);
    const label = screen.getByTestId("queue-strategy");
    expect(label).toHaveTextContent("Least confident (fallback)");
    expect(label).toHaveAttribute("title", fake.state.strategyNote);
  });

  it("accepts with A, moves on at once and counts the progress", async () => {
    const { user, fake } = setup(entries(3));
    await showsText(textEntry(1).text);
    expect(screen.getByTestId("queue-left")).toHaveTextContent("3");
    expect(screen.getByTestId("session-answered")).toHaveTextContent("0");

    await user.keyboard("a");
    await showsText(textEntry(2).text);
    expect(screen.getByTestId("session-answered")).toHaveTextContent("1");
    expect(screen.getByTestId("queue-left")).toHaveTextContent("2");
    await waitFor(() => expect(fake.state.posted).toEqual([{ predictionId: 101, body: { verdict: "accept" } }]));
    expect(await screen.findByText(/Saved: accepted\./)).toBeInTheDocument();
  });

  it("corrects with a number key and Enter, posting exactly the verdict and the label", async () => {
    const { user, fake } = setup(entries(2));
    await showsText(textEntry(1).text);
    await user.keyboard("2");
    expect(screen.getByRole("radio", { name: /technical/ })).toBeChecked();
    expect(screen.getByRole("button", { name: /Correct to “technical”/ })).toBeInTheDocument();
    await user.keyboard("{Enter}");
    await showsText(textEntry(2).text);
    await waitFor(() => expect(fake.state.posted).toHaveLength(1));
    expect(fake.state.posted[0]).toEqual({ predictionId: 101, body: { verdict: "correct", label: "technical" } });
  });

  it("corrects with a click and Enter, and moves the choice with the arrow keys", async () => {
    const { user, fake } = setup(entries(2));
    await showsText(textEntry(1).text);
    await user.click(screen.getByRole("radio", { name: /shipping/ }));
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("radio", { name: /account/ })).toBeChecked();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(fake.state.posted).toHaveLength(1));
    expect(fake.state.posted[0].body).toEqual({ verdict: "correct", label: "account" });
  });

  it("skips without answering; the skipped item comes back at the end", async () => {
    const { user, fake } = setup(entries(2));
    await showsText(textEntry(1).text);
    await user.keyboard("s");
    await showsText(textEntry(2).text);
    expect(screen.getByTestId("session-answered")).toHaveTextContent("0");
    await user.keyboard("a");
    await showsText(textEntry(1).text);
    expect(screen.getByText("Back to the items you skipped.")).toBeInTheDocument();
    await user.keyboard("a");
    expect(await screen.findByRole("heading", { name: "Nothing to annotate — the queue is empty" })).toBeInTheDocument();
    await waitFor(() => expect(fake.state.posted.map((p) => p.predictionId)).toEqual([102, 101]));
  });

  it("goes back to the previous answer and changes it with a second POST for the same prediction", async () => {
    const { user, fake } = setup(entries(3));
    await showsText(textEntry(1).text);
    await user.keyboard("a");
    await showsText(textEntry(2).text);
    await user.keyboard("4{Enter}");
    await showsText(textEntry(3).text);

    await user.keyboard("{Backspace}");
    await showsText(textEntry(2).text);
    expect(screen.getByText(/Changing answer 2 of 2/)).toHaveTextContent("you chose “account”");
    expect(screen.getByRole("radio", { name: /account/ })).toBeChecked();
    await user.keyboard("{ArrowLeft}");
    await showsText(textEntry(1).text);
    expect(screen.getByText(/Changing answer 1 of 2/)).toHaveTextContent("accepted");

    await user.keyboard("3{Enter}");
    // Back on the answer after it, then forward to where the session was.
    await showsText(textEntry(2).text);
    await user.keyboard("{ArrowRight}");
    await showsText(textEntry(3).text);
    await waitFor(() => expect(fake.state.posted).toHaveLength(3));
    expect(fake.state.posted).toEqual([
      { predictionId: 101, body: { verdict: "accept" } },
      { predictionId: 102, body: { verdict: "correct", label: "account" } },
      { predictionId: 101, body: { verdict: "correct", label: "shipping" } },
    ]);
    expect(screen.getByTestId("session-answered")).toHaveTextContent("2");
  });

  it("lets the comment field take every key, and sends the comment with the answer", async () => {
    const { user, fake } = setup(entries(2));
    await showsText(textEntry(1).text);
    await user.keyboard("c");
    const comment = screen.getByRole("textbox", { name: /Comment/ });
    expect(comment).toHaveFocus();
    await user.keyboard("as 2b{Backspace}{ArrowLeft}");
    expect(comment).toHaveValue("as 2");
    expect(screen.getByRole("radio", { name: /billing/ })).toBeChecked();
    expect(screen.getByText(textEntry(1).text)).toBeInTheDocument();
    expect(fake.state.posted).toHaveLength(0);

    await user.keyboard("{Enter}");
    await showsText(textEntry(2).text);
    await waitFor(() => expect(fake.state.posted).toHaveLength(1));
    expect(fake.state.posted[0].body).toEqual({ verdict: "accept", comment: "as 2" });
  });

  it("says so when the queue is empty", async () => {
    setup([]);
    expect(await screen.findByRole("heading", { name: "Nothing to annotate — the queue is empty" })).toBeInTheDocument();
    expect(screen.getByTestId("queue-left")).toHaveTextContent("0");
  });

  it("shows why the queue cannot be loaded, and loads it on a retry", async () => {
    const fake = fakeQueue(entries(1));
    let refuse = true;
    server.use(
      ...sessionHandlers(users.annotator, [textProject]),
      http.get(apiUrl("/projects/:slug/queue/"), () =>
        refuse ? HttpResponse.json({ detail: "You are not a member of this project." }, { status: 403 }) : undefined,
      ),
      ...fake.handlers,
    );
    const { user } = renderAt(`/projects/${textProject.slug}/queue`);
    expect(await screen.findByRole("alert")).toHaveTextContent("You are not a member of this project.");
    refuse = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await showsText(textEntry(1).text);
  });

  it("shows a refused answer in the API's words and sends it again on retry", async () => {
    const { user, fake } = setup(entries(2));
    await showsText(textEntry(1).text);
    fake.state.failNext = { status: 400, detail: "'nonsense' is not one of the project's labels." };
    await user.keyboard("2{Enter}");
    await showsText(textEntry(2).text);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("was not saved: 'nonsense' is not one of the project's labels.");
    expect(alert).toHaveTextContent(textEntry(1).text.slice(0, 20));
    // Not counted as answered on the server: it is still in the queue.
    expect(screen.getByTestId("queue-left")).toHaveTextContent("2");

    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
    expect(fake.state.posted.map((p) => p.body)).toEqual([
      { verdict: "correct", label: "technical" },
      { verdict: "correct", label: "technical" },
    ]);
    expect(screen.getByTestId("queue-left")).toHaveTextContent("1");
  });

  it("opens a failed answer to change it", async () => {
    const { user, fake } = setup(entries(2));
    await showsText(textEntry(1).text);
    fake.state.failNext = { status: 403, detail: "You may not do this." };
    await user.keyboard("a");
    const alert = await screen.findByRole("alert");
    await user.click(within(alert).getByRole("button", { name: "Change the answer" }));
    await showsText(textEntry(1).text);
    await user.keyboard("5{Enter}");
    await waitFor(() => expect(fake.state.posted).toHaveLength(2));
    expect(fake.state.posted[1]).toEqual({ predictionId: 101, body: { verdict: "correct", label: "product_question" } });
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
  });

  it("pages through a long queue without repeating or jumping over items while answers leave it", async () => {
    const { user, fake } = setup(entries(45));
    await showsText(textEntry(1).text);
    for (let n = 1; n <= 45; n++) {
      await showsText(textEntry(n).text);
      await user.keyboard("a");
    }
    expect(await screen.findByRole("heading", { name: "Nothing to annotate — the queue is empty" })).toBeInTheDocument();
    await waitFor(() => expect(fake.state.posted).toHaveLength(45));
    expect(fake.state.posted.map((p) => p.predictionId)).toEqual(entries(45).map((e) => e.prediction_id));
    expect(fake.state.gets[0]).toEqual({ offset: 0, limit: 20 });
    expect(fake.state.gets.length).toBeGreaterThan(2);
    expect(screen.getByTestId("session-answered")).toHaveTextContent("45");
  });

  it("says when the item was scored by an older version than the champion", async () => {
    setup([textEntry(1, { model_version: 1, scored_by_champion: false })], {
      ...textProject,
      champion: { id: 3, number: 2, metric: "f1_macro", value: 0.7 },
    });
    await showsText(textEntry(1).text);
    expect(screen.getByTestId("scored-by")).toHaveTextContent(/^v1 older than the champion v2/);
  });

  it("marks a contested prediction", async () => {
    setup([textEntry(1, { contested: true }), textEntry(2)], textProject);
    await showsText(textEntry(1).text);
    expect(screen.getByTestId("contested")).toHaveTextContent("someone objected to this prediction");
  });

  it("shows the scoring progress while a scoring job runs and reloads the queue when it ends", async () => {
    const fake = fakeQueue([]);
    fake.state.scoring = { id: 7, status: "running", done: 1200, total: 2550, model_version: 3, trigger: "promotion", error: "", created_at: "2026-11-29T10:00:00Z", finished_at: null };
    server.use(...sessionHandlers(users.annotator, [textProject]), ...fake.handlers);
    renderAt(`/projects/${textProject.slug}/queue`);
    expect(await screen.findByText("Scoring the queue with v3…")).toBeInTheDocument();
    expect(screen.getByText("1,200 / 2,550")).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Scoring the queue with v3…" })).toHaveAttribute("aria-valuenow", "1200");

    fake.state.queue = [textEntry(1, { model_version: 3 })];
    fake.state.scoring = { ...fake.state.scoring, status: "succeeded", done: 2550, finished_at: "2026-11-29T10:02:00Z" };
    await showsText(textEntry(1).text, 4000);
    expect(screen.queryByText("Scoring the queue with v3…")).not.toBeInTheDocument();
    const polls = fake.state.scoringGets;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(fake.state.scoringGets).toBe(polls); // no polling once it has finished
  });
});
