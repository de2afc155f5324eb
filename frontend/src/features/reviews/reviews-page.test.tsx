import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, page, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { flagged, flaggedLater, reviewed, textEntry } from "./test/review-fixtures";

type Entry = { id: number; status: string };

/** A review queue that answers like the API: pending ones leave the queue once reviewed. */
function queueApi(user: object, project: { slug: string }, entries: Entry[]) {
  const posts: { id: string; body: unknown }[] = [];
  const queries: URLSearchParams[] = [];
  const reviewedIds = new Set<number>();
  server.use(
    ...sessionHandlers(user, [project]),
    http.get(apiUrl("/projects/:slug/reviews/"), ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      const status = query.get("status");
      const wanted = entries.filter((entry) => {
        const isPending = entry.status === "pending_review" && !reviewedIds.has(entry.id);
        return status === "all" || (status === "pending" ? isPending : !isPending);
      });
      return HttpResponse.json(page(wanted));
    }),
    http.post(apiUrl("/feedback/:id/review/"), async ({ params, request }) => {
      const body = await request.json();
      posts.push({ id: String(params.id), body });
      reviewedIds.add(Number(params.id));
      const entry = entries.find((e) => e.id === Number(params.id));
      return HttpResponse.json({ ...entry, status: "reviewed", review: { ...(body as object), reviewer: "reviewer", created_at: "2026-11-24T00:00:00Z" } }, { status: 201 });
    }),
  );
  return { posts, queries };
}

const reviewsUrl = (slug: string) => `/projects/${slug}/reviews`;
// The first find waits for the lazily loaded page, which a busy test machine compiles on first use.
const LOAD = { timeout: 5000 };

describe("second review", () => {
  it("shows the flags in words and the model, first and final answers side by side", async () => {
    queueApi(users.reviewer, detectionProject, [flagged, flaggedLater]);
    renderAt(reviewsUrl(detectionProject.slug));

    expect(await screen.findByRole("heading", { name: /Item 3192/ }, LOAD)).toBeInTheDocument();
    expect(screen.getByText("waiting for review").parentElement).toHaveTextContent("2 waiting for review");
    const flags = within(screen.getByRole("list", { name: /needs a second look/ }));
    expect(flags.getByText("Label changed from circle to triangle")).toBeInTheDocument();
    expect(flags.getByText("A box moved a lot (IoU 0.16)")).toBeInTheDocument();
    expect(flags.getByText("The annotator removed a model box (confidence 42%)")).toBeInTheDocument();
    expect(flags.getByText("The annotator removed a box the model was sure of (91%)")).toBeInTheDocument();
    expect(flags.getByText("The annotator added a box the model missed")).toBeInTheDocument();
    expect(flags.getAllByText("model box 1, answer box 2")).toHaveLength(2);

    const model = screen.getByRole("application", { name: "Model's boxes on item 3192" });
    const first = screen.getByRole("application", { name: "First answer's boxes on item 3192" });
    const final = screen.getByRole("application", { name: "Final answer for item 3192 (editable)" });
    // flagged boxes are highlighted: model boxes 0, 1, 2; answer boxes 1 and 2
    expect([...model.querySelectorAll(".be-box-highlighted")].map((g) => g.getAttribute("data-index")).sort()).toEqual(["0", "1", "2"]);
    expect([...first.querySelectorAll(".be-box-highlighted")].map((g) => g.getAttribute("data-index")).sort()).toEqual(["1", "2"]);
    expect(final.querySelectorAll(".be-box")).toHaveLength(3);
    expect([...model.querySelectorAll(".be-box-tag text")].map((t) => t.textContent)).toContain("square 91%");
    expect(model.querySelector("img")).toHaveAttribute("src", "/api/v1/items/3192/image/");
    expect(screen.getByText("the model took a triangle for a circle")).toBeInTheDocument();
    expect(screen.getAllByText(/annie/).length).toBeGreaterThan(0);
  });

  it("submits the edited boxes and the notes, then shows the next item", async () => {
    const api = queueApi(users.reviewer, detectionProject, [flagged, flaggedLater]);
    const { user } = renderAt(reviewsUrl(detectionProject.slug));
    const final = await screen.findByRole("application", { name: "Final answer for item 3192 (editable)" }, LOAD);

    final.focus();
    await user.tab(); // selects box 1
    await user.keyboard("{Shift>}{ArrowRight}{/Shift}{ArrowDown}"); // x +10, y +1
    await user.tab(); // box 2
    await user.tab(); // box 3
    await user.keyboard("{Delete}");
    await user.type(screen.getByLabelText(/Notes/), "the small triangle is a shadow");
    expect(screen.getByText("2 boxes in the final answer, edited")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Submit review" }));

    await waitFor(() => expect(api.posts).toHaveLength(1));
    expect(api.posts[0]).toEqual({
      id: "96",
      body: {
        boxes: [
          { label: "circle", x: 60, y: 17, w: 49, h: 48 },
          { label: "triangle", x: 97, y: 38, w: 53, h: 50 },
        ],
        notes: "the small triangle is a shadow",
      },
    });
    const next = await screen.findByRole("heading", { name: /Item 3193/ });
    await waitFor(() => expect(next).toHaveFocus());
    expect(await screen.findByText("waiting for review")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText("waiting for review").parentElement).toHaveTextContent("1 waiting for review"));
    expect(screen.getByLabelText(/Notes/)).toHaveValue("");
  });

  it("submits the first answer unchanged when the reviewer agrees", async () => {
    const api = queueApi(users.admin, detectionProject, [flaggedLater]);
    const { user } = renderAt(reviewsUrl(detectionProject.slug));
    await user.click(await screen.findByRole("button", { name: "Submit review" }, LOAD));
    await waitFor(() => expect(api.posts).toHaveLength(1));
    expect(api.posts[0].body).toEqual({ boxes: [{ label: "square", x: 10, y: 10, w: 20, h: 20 }], notes: "" });
    expect(await screen.findByText(/Nothing is waiting for review/)).toBeInTheDocument();
  });

  it("shows the API's refusal and stays on the item", async () => {
    queueApi(users.reviewer, detectionProject, [flagged]);
    server.use(
      http.post(apiUrl("/feedback/:id/review/"), () =>
        HttpResponse.json({ detail: "Feedback 96 is reviewed, not waiting for review." }, { status: 409 }),
      ),
    );
    const { user } = renderAt(reviewsUrl(detectionProject.slug));
    await user.click(await screen.findByRole("button", { name: "Submit review" }, LOAD));
    expect(await screen.findByRole("alert")).toHaveTextContent("Feedback 96 is reviewed, not waiting for review.");
    expect(screen.getByRole("heading", { name: /Item 3192/ })).toBeInTheDocument();
  });

  it("shows a 400's detail too", async () => {
    queueApi(users.reviewer, detectionProject, [flagged]);
    server.use(
      http.post(apiUrl("/feedback/:id/review/"), () =>
        HttpResponse.json({ detail: "boxes box 0: unknown label 'hexagon'; the project's labels are circle, square, triangle." }, { status: 400 }),
      ),
    );
    const { user } = renderAt(reviewsUrl(detectionProject.slug));
    await user.click(await screen.findByRole("button", { name: "Submit review" }, LOAD));
    expect(await screen.findByRole("alert")).toHaveTextContent("unknown label 'hexagon'");
  });

  it("lets an auditor read the queue but not submit", async () => {
    queueApi(users.auditor, detectionProject, [flagged, reviewed]);
    const { user } = renderAt(reviewsUrl(detectionProject.slug));
    expect(await screen.findByRole("heading", { name: /Item 3192/ }, LOAD)).toBeInTheDocument();
    expect(screen.getByText(/You can read the reviews/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Submit review" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/Notes/)).not.toBeInTheDocument();
    expect(screen.queryByRole("application", { name: /editable/ })).not.toBeInTheDocument();
    expect(screen.getByText("Waiting for a reviewer.")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Show"), "reviewed");
    expect(await screen.findByRole("heading", { name: /Item 3100/ })).toBeInTheDocument();
    expect(screen.getByText("tightened the box")).toBeInTheDocument();
    expect(screen.getByRole("application", { name: "Reviewed boxes on item 3100" })).toBeInTheDocument();
    expect(screen.getByText(/Reviewed by rita/)).toBeInTheDocument();
  });

  it("asks for the oldest pending answers first, and pages through the list", async () => {
    const api = queueApi(users.reviewer, detectionProject, [flagged, flaggedLater]);
    const { user } = renderAt(reviewsUrl(detectionProject.slug));
    await screen.findByRole("heading", { name: /Item 3192/ }, LOAD);
    expect(api.queries[0].get("status")).toBe("pending");
    expect(api.queries[0].get("offset")).toBe("0");

    await user.click(screen.getByRole("button", { name: "Next →" }));
    expect(await screen.findByRole("heading", { name: /Item 3193/ })).toBeInTheDocument();
    const table = screen.getByRole("table");
    expect(within(table).getAllByRole("row")[2]).toHaveAttribute("aria-current", "true");
    await user.click(within(table).getByRole("button", { name: "Item 3192" }));
    expect(await screen.findByRole("heading", { name: /Item 3192/ })).toBeInTheDocument();
  });

  it("says so when nothing is waiting", async () => {
    queueApi(users.reviewer, detectionProject, []);
    renderAt(reviewsUrl(detectionProject.slug));
    expect(await screen.findByText(/Nothing is waiting for review/, {}, LOAD)).toBeInTheDocument();
    expect(screen.getByText("waiting for review").parentElement).toHaveTextContent("0 waiting for review");
  });

  it("shows the list's error in the API's words", async () => {
    server.use(
      ...sessionHandlers(users.reviewer, [detectionProject]),
      http.get(apiUrl("/projects/:slug/reviews/"), () => HttpResponse.json({ detail: "status must be pending, reviewed or all." }, { status: 400 })),
    );
    renderAt(reviewsUrl(detectionProject.slug));
    expect(await screen.findByRole("alert", {}, LOAD)).toHaveTextContent("status must be pending, reviewed or all.");
  });

  it("text projects: the model's label beside the annotator's, and the reviewer picks the final label", async () => {
    const api = queueApi(users.reviewer, textProject, [textEntry]);
    server.use(
      http.get(apiUrl("/items/:id/"), () =>
        HttpResponse.json({ id: 501, text: "I cannot change my e-mail address", label: null, boxes: null }),
      ),
    );
    const { user } = renderAt(reviewsUrl(textProject.slug));
    expect(await screen.findByText("I cannot change my e-mail address", {}, LOAD)).toBeInTheDocument();
    const labels = screen.getByText("Model").closest("dl")!;
    expect(within(labels).getByText("billing")).toBeInTheDocument();
    expect(within(labels).getByText("account")).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: /account/ })).toBeChecked();
    await user.click(screen.getByRole("radio", { name: /technical/ }));
    await user.type(screen.getByLabelText(/Notes/), "about login");
    await user.click(screen.getByRole("button", { name: "Submit review" }));
    await waitFor(() => expect(api.posts).toEqual([{ id: "12", body: { label: "technical", notes: "about login" } }]));
  });
});
