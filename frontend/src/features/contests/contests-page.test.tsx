import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, textProject, users } from "@/test/fixtures";
import { contestHandlers, sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

configure({ asyncUtilTimeout: 3000 });

const contest = (id: number, overrides: object = {}) => ({
  id,
  prediction_id: 200 + id,
  item_id: 2000 + id,
  predicted_label: "billing",
  model_version: 3,
  reason: "The customer says this was a shipping question, not billing.",
  status: "open",
  decision_id: null,
  decision_note: "",
  predicted_boxes: null,
  item_width: null,
  item_height: null,
  decided_label: null,
  decided_boxes: null,
  created_at: "2026-11-30T08:30:00Z",
  decided_at: null,
  ...overrides,
});

const MODEL_BOXES = [
  { label: "circle", confidence: 0.91, x: 10, y: 10, w: 20, h: 20 },
  { label: "square", confidence: 0.42, x: 50, y: 20, w: 20, h: 20 },
];
const detectionContest = (id: number) =>
  contest(id, { predicted_label: "", predicted_boxes: MODEL_BOXES, item_width: 96, item_height: 64, decided_label: null, decided_boxes: null });

function serve(user: object, contests: ReturnType<typeof contest>[], project: { slug: string } = textProject) {
  const fake = contestHandlers(project.slug, contests);
  server.use(
    ...sessionHandlers(user, [project]),
    ...fake.handlers,
    http.get(apiUrl("/items/:id/"), ({ params }) =>
      HttpResponse.json({ id: Number(params.id), text: `Where is my parcel? (#${params.id})` }),
    ),
  );
  return fake;
}

describe("contests page (GDPR Art. 21, 22(3))", () => {
  it("a reviewer reads the objection beside the item and decides another label with a note", async () => {
    const fake = serve(users.reviewer, [contest(1)]);
    const { user } = renderAt("/projects/demo-text/contests");

    const card = (await screen.findByRole("heading", { name: "Contest #1" })).closest("article") as HTMLElement;
    expect(within(card).getByText("open: a human decision is owed")).toBeInTheDocument();
    expect(within(card).getByText(/by model v3/)).toHaveTextContent("#201: billing by model v3");
    expect(await within(card).findByText("Where is my parcel? (#2001)")).toBeInTheDocument();
    expect(within(card).getByText(/shipping question, not billing/)).toBeInTheDocument();

    expect(within(card).getByRole("button", { name: "Decide: the model was right" })).toBeInTheDocument();
    await user.selectOptions(within(card).getByLabelText("Decided label"), "shipping");
    await user.type(within(card).getByLabelText(/Note/), "Asked about a parcel");
    await user.click(within(card).getByRole("button", { name: "Decide: shipping" }));

    await waitFor(() => expect(fake.decided).toEqual([{ id: 1, body: { label: "shipping", note: "Asked about a parcel" } }]));
    // Decided contests leave the open list.
    expect(await screen.findByText("No open contests.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Decided" }));
    const decided = (await screen.findByRole("heading", { name: "Contest #1" })).closest("article") as HTMLElement;
    expect(decided).toHaveTextContent("answer #901");
    expect(decided).toHaveTextContent("Asked about a parcel");
    expect(within(decided).queryByRole("button")).not.toBeInTheDocument();
  });

  it("detection: the reviewer keeps the model's boxes; the API's refusal shows and nothing is decided", async () => {
    const fake = serve(users.admin, [detectionContest(2)], detectionProject);
    server.use(
      http.post(apiUrl("/contests/2/decide/"), () =>
        HttpResponse.json({ detail: "Someone other than the person who contested the prediction must decide it." }, { status: 403 }),
      ),
    );
    const { user } = renderAt("/projects/demo-shapes/contests");
    const card = (await screen.findByRole("heading", { name: "Contest #2" })).closest("article") as HTMLElement;
    expect(within(card).queryByLabelText("Decided label")).not.toBeInTheDocument();
    expect(card).toHaveTextContent("#202: 2 boxes by model v3");
    await user.click(within(card).getByRole("button", { name: "Decide: keep the model's boxes" }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("Someone other than the person who contested");
    expect(fake.decided).toEqual([]);
  });

  it("detection: the reviewer corrects the boxes on the image beside the model's, and they are the decision", async () => {
    const fake = serve(users.reviewer, [detectionContest(4)], detectionProject);
    const { user } = renderAt("/projects/demo-shapes/contests");
    const card = (await screen.findByRole("heading", { name: "Contest #4" })).closest("article") as HTMLElement;
    const model = within(card).getByRole("application", { name: "Model's boxes on item 2004" });
    const editor = within(card).getByRole("application", { name: "Decided boxes for item 2004 (editable)" });
    expect(model.querySelector("img")).toHaveAttribute("src", "/api/v1/items/2004/image/");
    expect([...model.querySelectorAll(".be-box-tag text")].map((t) => t.textContent)).toEqual(["circle 91%", "square 42%"]);
    expect(editor.querySelectorAll(".be-box")).toHaveLength(2);
    const reset = within(card).getByRole("button", { name: "Start over from the model's boxes" });
    expect(reset).toBeDisabled();

    editor.focus();
    await user.tab(); // selects the circle
    await user.keyboard("3"); // relabels it: a triangle
    await user.keyboard("{Shift>}{ArrowRight}{/Shift}"); // x +10
    await user.tab(); // the square
    await user.keyboard("{Delete}");
    expect(reset).toBeEnabled();
    await user.type(within(card).getByLabelText(/Note/), "The shadow is no square");
    await user.click(within(card).getByRole("button", { name: "Decide: 1 box" }));

    await waitFor(() =>
      expect(fake.decided).toEqual([
        { id: 4, body: { note: "The shadow is no square", boxes: [{ label: "triangle", x: 20, y: 10, w: 20, h: 20 }] } },
      ]),
    );
    await user.click(await screen.findByRole("button", { name: "Decided" }));
    const decided = (await screen.findByRole("heading", { name: "Contest #4" })).closest("article") as HTMLElement;
    expect(decided).toHaveTextContent("1 box");
    const shown = within(decided).getByRole("application", { name: "Decided boxes on item 2004" });
    expect([...shown.querySelectorAll(".be-box-tag text")].map((t) => t.textContent)).toEqual(["triangle"]);
  });

  it("detection: started over after an edit, the decision keeps the model's boxes", async () => {
    const fake = serve(users.reviewer, [detectionContest(5)], detectionProject);
    const { user } = renderAt("/projects/demo-shapes/contests");
    const card = (await screen.findByRole("heading", { name: "Contest #5" })).closest("article") as HTMLElement;
    within(card).getByRole("application", { name: "Decided boxes for item 2005 (editable)" }).focus();
    await user.tab();
    await user.keyboard("{Delete}");
    expect(within(card).getByRole("button", { name: "Decide: 1 box" })).toBeInTheDocument();
    await user.click(within(card).getByRole("button", { name: "Start over from the model's boxes" }));
    expect(within(card).getByRole("application", { name: "Decided boxes for item 2005 (editable)" }).querySelectorAll(".be-box")).toHaveLength(2);
    await user.click(within(card).getByRole("button", { name: "Decide: keep the model's boxes" }));
    await waitFor(() => expect(fake.decided).toEqual([{ id: 5, body: { note: "" } }]));
  });

  it("auditors follow contests read-only; annotators have no Contests tab", async () => {
    serve(users.auditor, [contest(3)]);
    renderAt("/projects/demo-text/contests");
    const card = (await screen.findByRole("heading", { name: "Contest #3" })).closest("article") as HTMLElement;
    expect(within(card).getByText("A reviewer decides it.")).toBeInTheDocument();
    expect(within(card).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Contests" })).toBeInTheDocument();
  });
});
