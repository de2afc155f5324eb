import { configure, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { fakeQueue, imageEntry, type Entry } from "./test/fake-queue";

// The first test of a file also loads the lazy page chunk; the machine running the suite may be busy.
configure({ asyncUtilTimeout: 3000 });

function setup(entries: Entry[]) {
  const fake = fakeQueue(entries, { detection: true });
  server.use(...sessionHandlers(users.annotator, [detectionProject]), ...fake.handlers);
  const view = renderAt(`/projects/${detectionProject.slug}/queue`);
  return { ...view, fake };
}

const editor = (itemId: number) =>
  screen.findByRole("application", { name: `Image ${itemId} with the model's boxes` }, { timeout: 5000 });

describe("review queue (images)", () => {
  it("shows the image in the box editor and accepts unchanged boxes with Ctrl+Enter", async () => {
    const { user, fake } = setup([imageEntry(1), imageEntry(2)]);
    const canvas = await editor(5001);
    expect(canvas).toHaveFocus();
    expect(canvas.querySelector("img")).toHaveAttribute("src", "/api/v1/items/5001/image/");
    expect(screen.getByText(/Model:/)).toHaveTextContent("Model: 2 boxes (lowest confidence 41%)");
    expect(screen.getByRole("button", { name: /Accept the boxes/ })).toBeInTheDocument();

    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(await editor(5002)).toHaveFocus();
    await waitFor(() => expect(fake.state.posted).toEqual([{ predictionId: 501, body: { verdict: "accept" } }]));
    expect(screen.getByTestId("session-answered")).toHaveTextContent("1");
  });

  it("says nothing is here with N: a correction with no boxes", async () => {
    const { user, fake } = setup([imageEntry(1), imageEntry(2)]);
    await editor(5001);
    expect(screen.getByRole("button", { name: /Nothing here/ })).toHaveTextContent("N");
    await user.keyboard("n");
    await editor(5002);
    await waitFor(() => expect(fake.state.posted).toEqual([{ predictionId: 501, body: { verdict: "correct", boxes: [] } }]));
  });

  it("sends edited boxes as a correction and shows why it went to a reviewer", async () => {
    const { user, fake } = setup([imageEntry(1), imageEntry(2)]);
    await editor(5001);
    // Select the first box, move it 1 px right, relabel the second one as a triangle (key 3).
    await user.keyboard("{Tab}{ArrowRight}{Tab}3");
    expect(screen.getByRole("button", { name: /Submit 2 boxes/ })).toBeInTheDocument();
    await user.keyboard("{Control>}{Enter}{/Control}");
    await editor(5002);
    await waitFor(() => expect(fake.state.posted).toHaveLength(1));
    expect(fake.state.posted[0]).toEqual({
      predictionId: 501,
      body: {
        verdict: "correct",
        boxes: [
          { label: "circle", x: 11, y: 12, w: 40, h: 38 },
          { label: "triangle", x: 80, y: 60, w: 30, h: 30 },
        ],
      },
    });
    expect(await screen.findByText(/Sent to a reviewer: label changed, missed box\./)).toBeInTheDocument();
  });

  it("accepts again after edits are undone; Backspace and Enter in the editor never leave the item", async () => {
    const { user, fake } = setup([imageEntry(1), imageEntry(2), imageEntry(3)]);
    await editor(5001);
    await user.keyboard("{Control>}{Enter}{/Control}");
    await editor(5002);
    await user.keyboard("{Tab}{Delete}");
    expect(screen.getByRole("button", { name: /Submit 1 box/ })).toBeInTheDocument();
    // Nothing is selected now: these keys must not go back to image 1 nor submit.
    await user.keyboard("{Backspace}{ArrowLeft}{Enter}");
    expect(screen.getByRole("application", { name: /Image 5002/ })).toBeInTheDocument();
    expect(screen.queryByText(/Changing answer/)).not.toBeInTheDocument();
    await user.keyboard("{Control>}z{/Control}");
    expect(screen.getByRole("button", { name: /Accept the boxes/ })).toBeInTheDocument();
    // Outside the editor, Enter submits.
    await user.click(screen.getByText(/Model:/));
    await user.keyboard("{Enter}");
    await editor(5003);
    await waitFor(() => expect(fake.state.posted).toHaveLength(2));
    expect(fake.state.posted[1]).toEqual({ predictionId: 502, body: { verdict: "accept" } });
  });

  it("goes back to an image answer with B and changes it", async () => {
    const { user, fake } = setup([imageEntry(1), imageEntry(2)]);
    await editor(5001);
    await user.keyboard("n");
    await editor(5002);
    await user.keyboard("b");
    await editor(5001);
    expect(screen.getByText(/Changing answer 1 of 1/)).toHaveTextContent("you said nothing is here");
    expect(screen.getByText("No boxes. Drag on the image to draw one.")).toBeInTheDocument();
    await user.keyboard("s"); // keep it and go forward
    await editor(5002);
    expect(fake.state.posted).toHaveLength(1);
  });

  it("asks the item for its size when the queue entry has none", async () => {
    const { user, fake } = setup([imageEntry(1, { item_width: null, item_height: null })]);
    server.use(
      http.get(apiUrl("/items/:id/"), ({ params }) =>
        HttpResponse.json({ id: Number(params.id), width: 160, height: 120, text: "", label: null, boxes: null }),
      ),
    );
    const canvas = await editor(5001);
    expect(canvas.querySelector("img")).toHaveAttribute("width", "160");
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(await screen.findByRole("heading", { name: "Nothing to annotate — the queue is empty" })).toBeInTheDocument();
    await waitFor(() => expect(fake.state.posted).toHaveLength(1));
  });
});
