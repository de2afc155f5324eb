import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

function membersHandlers(slug: string, initial: string[]) {
  let members = [...initial];
  const calls: { method: string; body: unknown; csrf: string | null }[] = [];
  const handlers = [
    http.get(apiUrl(`/projects/${slug}/members/`), () => HttpResponse.json({ members })),
    http.post(apiUrl(`/projects/${slug}/members/`), async ({ request }) => {
      const body = (await request.json()) as { username: string };
      calls.push({ method: "POST", body, csrf: request.headers.get("X-CSRFToken") });
      if (body.username === "ghost") return HttpResponse.json({ detail: "No user 'ghost'." }, { status: 400 });
      members = [...new Set([...members, body.username])].sort();
      return HttpResponse.json({ members }, { status: 201 });
    }),
    http.delete(apiUrl(`/projects/${slug}/members/`), async ({ request }) => {
      const body = (await request.json()) as { username: string };
      calls.push({ method: "DELETE", body, csrf: request.headers.get("X-CSRFToken") });
      members = members.filter((m) => m !== body.username);
      return new HttpResponse(null, { status: 204 });
    }),
  ];
  return { handlers, calls };
}

describe("settings page", () => {
  it("sends only the changed fields and appends labels at the end", async () => {
    const patches: unknown[] = [];
    let current = { ...textProject };
    server.use(
      ...sessionHandlers(users.engineer, [textProject]),
      ...membersHandlers("demo-text", ["engineer"]).handlers,
      http.get(apiUrl("/projects/demo-text/"), () => HttpResponse.json(current)),
      http.patch(apiUrl("/projects/demo-text/"), async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        patches.push(body);
        current = { ...current, ...body } as typeof current;
        return HttpResponse.json(current);
      }),
    );
    const { user } = renderAt("/projects/demo-text/settings");

    const labels = await screen.findByRole("list", { name: "Labels in order" });
    const names = () => within(labels).getAllByRole("listitem").map((li) => li.querySelector(".mono")?.textContent);
    expect(names()).toEqual(textProject.labels);
    // Existing labels cannot be edited or removed: there is no control for them.
    expect(within(labels).queryByRole("button")).not.toBeInTheDocument();
    expect(within(labels).queryByRole("textbox")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save changes" })).toBeDisabled();
    expect(screen.queryByLabelText("Review IoU threshold")).not.toBeInTheDocument();

    await user.type(screen.getByLabelText("New label"), "billing{Enter}");
    expect(screen.getByText('"billing" is already a label.')).toBeInTheDocument();
    await user.clear(screen.getByLabelText("New label"));
    await user.type(screen.getByLabelText("New label"), "refunds{Enter}");
    expect(names()).toEqual([...textProject.labels, "refunds"]);
    expect(within(labels).getAllByRole("listitem").at(-1)).toHaveTextContent("new");

    const retrain = screen.getByLabelText("Retrain after new labels on this many items");
    await user.clear(retrain);
    await user.type(retrain, "0");
    await user.selectOptions(screen.getByLabelText("Promotion metric"), "accuracy");
    expect(screen.getByLabelText("Promotion metric")).not.toHaveTextContent("mAP");
    await user.type(screen.getByLabelText("Retention (days)"), "365");
    // Changed and changed back: not sent.
    const weight = screen.getByLabelText("Feedback weight");
    await user.clear(weight);
    await user.type(weight, "3");
    await user.clear(weight);
    await user.type(weight, "2");

    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("status")).toHaveTextContent(
      "Saved: retrain min feedback, retention days, promotion metric, labels.",
    );
    expect(patches).toEqual([
      {
        retrain_min_feedback: 0,
        retention_days: 365,
        promotion_metric: "accuracy",
        labels: [...textProject.labels, "refunds"],
      },
    ]);
    // The saved label is now an existing one, and nothing is left to save.
    expect(names()).toEqual([...textProject.labels, "refunds"]);
    expect(within(labels).queryByText("new")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save changes" })).toBeDisabled();
  });

  it("sets the gold share, the accept cap and the log retention; empty clears the cap; the floor's refusal shows at its field", async () => {
    const patches: Record<string, unknown>[] = [];
    const capped = { ...textProject, max_unreviewed_accept_share: 0.3 as number | null };
    server.use(
      ...sessionHandlers(users.engineer, [capped]),
      ...membersHandlers("demo-text", ["engineer"]).handlers,
      http.patch(apiUrl("/projects/demo-text/"), async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        patches.push(body);
        return HttpResponse.json(
          { log_retention_days: ["log_retention_days must be at least 183 (the legal floor for keeping logs)."] },
          { status: 400 },
        );
      }),
    );
    const { user } = renderAt("/projects/demo-text/settings");

    const gold = await screen.findByLabelText("Gold items share");
    expect(gold).toHaveValue(0.05);
    expect(screen.getByLabelText("Cap on unreviewed accepts")).toHaveValue(0.3);
    await user.clear(gold);
    await user.type(gold, "0.1");
    await user.clear(screen.getByLabelText("Cap on unreviewed accepts"));
    await user.type(screen.getByLabelText("Prediction log retention (days)"), "30");
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Nothing was saved");
    expect(patches).toEqual([{ gold_rate: 0.1, max_unreviewed_accept_share: null, log_retention_days: 30 }]);
    expect(screen.getByLabelText("Prediction log retention (days)")).toHaveAccessibleDescription(/at least 183/);
  });

  it("sets the queue order, and shows the API's refusal of it at the field", async () => {
    const patches: Record<string, unknown>[] = [];
    let current = { ...textProject };
    server.use(
      ...sessionHandlers(users.engineer, [textProject]),
      ...membersHandlers("demo-text", ["engineer"]).handlers,
      http.get(apiUrl("/projects/demo-text/"), () => HttpResponse.json(current)),
      http.patch(apiUrl("/projects/demo-text/"), async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        patches.push(body);
        if (patches.length === 1)
          return HttpResponse.json({ queue_strategy: ['"loudest" is not a valid choice.'] }, { status: 400 });
        current = { ...current, ...body } as typeof current;
        return HttpResponse.json(current);
      }),
    );
    const { user } = renderAt("/projects/demo-text/settings");

    const order = await screen.findByLabelText("Queue order");
    expect(order).toHaveValue("least_confident");
    // Options name the strategies; the chosen one's description leads the hint (a select shows ~30 characters).
    expect(order).toHaveAccessibleDescription(/^Lowest top probability first\. Which unanswered items/);
    expect(within(order).getByRole("option", { name: "Highest entropy" })).toBeInTheDocument();
    expect(within(order).getAllByRole("option").map((o) => (o as HTMLOptionElement).value)).toEqual([
      "least_confident", "margin", "entropy", "diverse", "random",
    ]);
    await user.selectOptions(order, "entropy");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Nothing was saved");
    expect(screen.getByLabelText("Queue order")).toHaveAccessibleDescription(/not a valid choice/);

    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(patches).toEqual([{ queue_strategy: "entropy" }, { queue_strategy: "entropy" }]));
    await waitFor(() => expect(screen.getByRole("button", { name: "Save changes" })).toBeDisabled());
    expect(screen.getByLabelText("Queue order")).toHaveValue("entropy");
  });

  it("switches a text project's model family; a detection project has no text model", async () => {
    const patches: Record<string, unknown>[] = [];
    let current = { ...textProject };
    server.use(
      ...sessionHandlers(users.engineer, [textProject, detectionProject]),
      ...membersHandlers("demo-text", ["engineer"]).handlers,
      ...membersHandlers("demo-shapes", ["engineer"]).handlers,
      http.get(apiUrl("/projects/demo-text/"), () => HttpResponse.json(current)),
      http.patch(apiUrl("/projects/demo-text/"), async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        patches.push(body);
        current = { ...current, ...body } as typeof current;
        return HttpResponse.json(current);
      }),
    );
    const { user } = renderAt("/projects/demo-text/settings");

    const family = await screen.findByLabelText("Text model");
    expect(family).toHaveValue("tfidf_lr");
    expect(family).toHaveAccessibleDescription(/envelope/);
    await user.selectOptions(family, "embedding_lr");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Saved: text model.");
    expect(patches).toEqual([{ text_model: "embedding_lr" }]);
    expect(screen.getByLabelText("Text model")).toHaveValue("embedding_lr");
    expect(screen.getByRole("button", { name: "Save changes" })).toBeDisabled();

    renderAt("/projects/demo-shapes/settings");
    await screen.findAllByLabelText("Review IoU threshold");
    expect(screen.getAllByLabelText("Text model")).toHaveLength(1); // the text project's form only
  });

  it("shows the API's field errors next to the fields", async () => {
    server.use(
      ...sessionHandlers(users.engineer, [detectionProject]),
      ...membersHandlers("demo-shapes", ["engineer"]).handlers,
      http.patch(apiUrl("/projects/demo-shapes/"), () =>
        HttpResponse.json(
          {
            review_iou_threshold: ["Ensure this value is greater than or equal to 0.01."],
            lawful_basis: ["Ensure this field has no more than 64 characters."],
          },
          { status: 400 },
        ),
      ),
    );
    const { user } = renderAt("/projects/demo-shapes/settings");

    const iou = await screen.findByLabelText("Review IoU threshold");
    expect(screen.getByLabelText("Confident removal threshold")).toHaveValue(0.75);
    expect(
      within(screen.getByLabelText("Promotion metric")).getAllByRole("option").map((o) => o.getAttribute("value")),
    ).toEqual(["map50_95", "map50"]);
    await user.clear(iou);
    await user.type(iou, "0.001");
    await user.clear(screen.getByLabelText("Lawful basis"));
    await user.type(screen.getByLabelText("Lawful basis"), "because");
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Nothing was saved: fix the fields marked below.");
    expect(iou).toHaveAttribute("aria-invalid", "true");
    expect(iou).toHaveAccessibleDescription(/Ensure this value is greater than or equal to 0.01./);
    expect(screen.getByLabelText("Lawful basis")).toHaveAccessibleDescription(
      /Ensure this field has no more than 64 characters./,
    );
    expect(screen.getByLabelText("Feedback weight")).not.toHaveAttribute("aria-invalid");
  });

  it("lists members, adds one and removes one after confirmation (DELETE carries the username)", async () => {
    document.cookie = "csrftoken=tok-members";
    const members = membersHandlers("demo-text", ["annotator", "engineer"]);
    server.use(...sessionHandlers(users.engineer, [textProject]), ...members.handlers);
    const { user } = renderAt("/projects/demo-text/settings");

    const list = await screen.findByRole("list", { name: `Members of ${textProject.name}` });
    expect(within(list).getAllByRole("listitem").map((li) => li.querySelector(".mono")?.textContent)).toEqual([
      "annotator",
      "engineer",
    ]);

    const input = screen.getByLabelText(`Add member to ${textProject.name}`);
    await user.type(input, "ghost");
    await user.click(screen.getByRole("button", { name: "Add" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("No user 'ghost'.");

    await user.clear(input);
    await user.type(input, "reviewer{Enter}");
    expect(await screen.findByText(`reviewer is a member of ${textProject.name}.`)).toBeInTheDocument();
    expect(within(list).getByText("reviewer")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: `Remove annotator from ${textProject.name}` }));
    const dialog = screen.getByRole("dialog", { name: `Remove annotator from ${textProject.name}?` });
    await user.click(within(dialog).getByRole("button", { name: "Remove member" }));
    await waitFor(() => expect(within(list).queryByText("annotator")).not.toBeInTheDocument());
    expect(members.calls).toEqual([
      { method: "POST", body: { username: "ghost" }, csrf: "tok-members" },
      { method: "POST", body: { username: "reviewer" }, csrf: "tok-members" },
      { method: "DELETE", body: { username: "annotator" }, csrf: "tok-members" },
    ]);
  });

  it("is not offered to an annotator", async () => {
    server.use(...sessionHandlers(users.annotator, [textProject]));
    renderAt("/projects/demo-text/settings");
    expect(await screen.findByRole("heading", { name: "No access" })).toBeInTheDocument();
  });
});
