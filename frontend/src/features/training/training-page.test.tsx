import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, page, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { run } from "./test-fixtures";

const LOAD = { timeout: 5000 };

function serveList(runs: object[], project: { slug: string } = textProject, user: object = users.engineer) {
  server.use(
    ...sessionHandlers(user, [project]),
    http.get(apiUrl(`/projects/${project.slug}/training-runs/`), ({ request }) => {
      const query = new globalThis.URL(request.url).searchParams;
      const offset = Number(query.get("offset") ?? 0);
      const limit = Number(query.get("limit") ?? 50);
      return HttpResponse.json(page(runs.slice(offset, offset + limit), runs.length));
    }),
    http.get(apiUrl("/training-runs/:id/"), ({ params }) => {
      const found = (runs as { id: number }[]).find((r) => r.id === Number(params.id));
      return found ? HttpResponse.json(found) : HttpResponse.json({ detail: "No such training run." }, { status: 404 });
    }),
  );
}

describe("training page", () => {
  it("starts a run with the overrides and follows its progress to the end", async () => {
    const runs: object[] = [run(1, { trigger: "bootstrap" })];
    serveList(runs);
    let posted: unknown = "nothing";
    const states = [
      run(2, { status: "queued", progress: { stage: "queued", percent: 0 }, model_version: null, started_at: null, finished_at: null }),
      run(2, { status: "running", progress: { stage: "kfold_model_training", fold: 2, folds: 3, percent: 35 }, model_version: null, finished_at: null }),
      run(2, { status: "running", progress: { stage: "evaluate", percent: 86 }, model_version: null, finished_at: null }),
      run(2, { params: { k_folds: 3, C: 0.5 } }),
    ];
    let polls = 0;
    server.use(
      http.post(apiUrl("/projects/demo-text/training-runs/"), async ({ request }) => {
        posted = await request.json();
        runs.unshift(states[0]);
        return HttpResponse.json(states[0], { status: 202 });
      }),
      http.get(apiUrl("/training-runs/2/"), () => {
        polls += 1;
        return HttpResponse.json(states[Math.min(polls, states.length - 1)]);
      }),
    );
    const { user, router } = renderAt("/projects/demo-text/training");

    expect(await screen.findByRole("heading", { name: "Run #1" }, LOAD)).toBeInTheDocument();
    await user.click(screen.getByText(/^Parameters/));
    expect(screen.getByLabelText(/Folds \(k\)/)).toHaveAttribute("placeholder", "5");
    expect(screen.queryByLabelText(/Epochs/)).not.toBeInTheDocument();
    await user.type(screen.getByLabelText(/Folds \(k\)/), "3");
    await user.type(screen.getByLabelText(/^C/), "0.5");
    await user.click(screen.getByRole("button", { name: "Start training run" }));

    await waitFor(() => expect(posted).toEqual({ params: { k_folds: 3, C: 0.5 } }));
    expect(await screen.findByRole("heading", { name: "Run #2" })).toBeInTheDocument();
    expect(router.state.location.search).toBe("?run=2");

    const bar = () => screen.getByRole("progressbar", { name: "Run #2 progress" });
    const seen = new Set<string>();
    await waitFor(
      () => {
        seen.add(bar().getAttribute("aria-valuenow") ?? "");
        seen.add(document.querySelector(".run-stage")?.textContent ?? "");
        expect(bar()).toHaveAttribute("aria-valuenow", "100");
      },
      { timeout: 8000, interval: 50 },
    );
    expect([...seen]).toEqual(
      expect.arrayContaining(["35", "Cross-validating · fold 2 of 3", "86", "Evaluating on the holdout", "100", "Succeeded"]),
    );
    expect(screen.getByText("Succeeded")).toBeInTheDocument();
    expect(screen.getAllByText("succeeded").length).toBeGreaterThan(0);
    expect(screen.getByRole("link", { name: "Compare with the champion" })).toHaveAttribute("href", "/projects/demo-text/versions#compare");
    expect(screen.getByRole("link", { name: "model version v2" })).toHaveAttribute("href", "/projects/demo-text/versions/102");

    // Done: no more polling.
    const after = polls;
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(polls).toBe(after);
  }, 20000);

  it("shows the progress words for folds and epochs while a detection run trains", async () => {
    const active = run(7, {
      project: "demo-shapes",
      status: "running",
      progress: { stage: "model_training", epoch: 12, epochs: 30, percent: 58 },
      model_version: null,
      finished_at: null,
    });
    serveList([active], detectionProject);
    const { user } = renderAt("/projects/demo-shapes/training");

    expect(await screen.findByText("Training the final model", {}, LOAD)).toBeInTheDocument();
    expect(screen.getByText(/epoch 12 of 30/)).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Run #7 progress" })).toHaveAttribute("aria-valuenow", "58");
    expect(screen.getByText("A run is in progress: a project runs one at a time.")).toBeInTheDocument();
    await user.click(screen.getByText(/^Parameters/));
    for (const label of [/Epochs/, /Folds/, /Batch size/, /Image size/, /Patience/]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
  });

  it("shows a failed run's error and traceback", async () => {
    const failed = run(3, {
      status: "failed",
      progress: { stage: "failed", percent: 100, traceback: 'Traceback (most recent call last):\n  File "pipeline.py"\nValueError: only one class' },
      error: "ValueError: The training data has only one label.",
      model_version: null,
    });
    serveList([failed]);
    const { user } = renderAt("/projects/demo-text/training");

    const alert = await screen.findByText("ValueError: The training data has only one label.", {}, LOAD);
    expect(alert.closest("[role=alert]")).toHaveTextContent("The run failed:");
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    await user.click(screen.getByText("Traceback"));
    expect(screen.getByText(/ValueError: only one class/)).toBeVisible();
  });

  it("shows a 400's detail next to the form, and a 409 with a link to the active run", async () => {
    const runs = [run(1)];
    serveList(runs);
    const queued = run(4, { status: "queued", progress: { stage: "queued", percent: 0 }, model_version: null, finished_at: null, started_at: null });
    let calls = 0;
    server.use(
      http.post(apiUrl("/projects/demo-text/training-runs/"), () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ detail: "params.k_folds: must be an integer of at least 2." }, { status: 400 })
          : HttpResponse.json({ detail: "Training run 4 is already queued for 'demo-text'.", training_run: 4 }, { status: 409 });
      }),
      http.get(apiUrl("/training-runs/4/"), () => HttpResponse.json(queued)),
    );
    const { user, router } = renderAt("/projects/demo-text/training");

    await user.click(await screen.findByText(/^Parameters/, {}, LOAD));
    await user.type(screen.getByLabelText(/Folds \(k\)/), "one");
    await user.click(screen.getByRole("button", { name: "Start training run" }));
    const form = screen.getByRole("button", { name: "Start training run" }).closest("form")!;
    expect(await within(form).findByRole("alert")).toHaveTextContent("params.k_folds: must be an integer of at least 2.");

    await user.click(screen.getByRole("button", { name: "Start training run" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("Training run 4 is already queued for 'demo-text'.");
    await user.click(within(form).getByRole("link", { name: "Follow run #4" }));
    expect(await screen.findByRole("heading", { name: "Run #4" })).toBeInTheDocument();
    expect(router.state.location.search).toBe("?run=4");
    expect(await screen.findByText("Waiting for a worker")).toBeInTheDocument();
  });

  it("lists recent runs with their outcome, newest first, page by page", async () => {
    const runs = Array.from({ length: 12 }, (_, i) => run(12 - i, { trigger: i === 0 ? "feedback_threshold" : "manual" }));
    serveList(runs);
    const { user } = renderAt("/projects/demo-text/training");

    const table = await screen.findByRole("table", { name: "Training runs, newest first" }, LOAD);
    const first = within(table).getAllByRole("row")[1];
    expect(within(first).getAllByRole("cell").map((c) => c.textContent)).toEqual([
      "#12", "feedback threshold", "succeeded", expect.any(String), "2 min 5 s", "#12", "v12 candidate", "0.732 ± 0.068",
    ]);
    expect(within(first).getByRole("link", { name: "v12" })).toHaveAttribute("href", "/projects/demo-text/versions/112");
    expect(screen.getByText("1–10 of 12")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next →" }));
    expect(await screen.findByText("11–12 of 12")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Show run #1" }));
    expect(await screen.findByRole("heading", { name: "Run #1" })).toBeInTheDocument();
  });

  it("keeps annotators out", async () => {
    serveList([], textProject, users.annotator);
    renderAt("/projects/demo-text/training");
    expect(await screen.findByRole("heading", { name: "No access" }, LOAD)).toBeInTheDocument();
  });
});
