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
  created_at: "2026-11-30T08:30:00Z",
  decided_at: null,
  ...overrides,
});

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

  it("detection: the reviewer keeps the model's boxes (boxes are corrected in the queue); the API's refusal shows", async () => {
    const fake = serve(users.admin, [contest(2, { predicted_label: "" })], detectionProject);
    server.use(
      http.post(apiUrl("/contests/2/decide/"), () =>
        HttpResponse.json({ detail: "Someone other than the person who contested the prediction must decide it." }, { status: 403 }),
      ),
    );
    const { user } = renderAt("/projects/demo-shapes/contests");
    const card = (await screen.findByRole("heading", { name: "Contest #2" })).closest("article") as HTMLElement;
    expect(within(card).queryByLabelText("Decided label")).not.toBeInTheDocument();
    await user.click(within(card).getByRole("button", { name: "Decide: keep the model's boxes" }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("Someone other than the person who contested");
    expect(fake.decided).toEqual([]);
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
