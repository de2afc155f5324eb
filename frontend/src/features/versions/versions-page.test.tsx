import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { apiUrl } from "@/test/api-url";
import { page, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { mockChartSize } from "@/test/chart-size";
import { textVersions } from "./test-fixtures";

const PAGE = "/projects/demo-text/versions";

function serve(versions = textVersions(), user: object = users.engineer) {
  const calls = { list: 0, projects: 0 };
  server.use(
    // Before the session's handlers: MSW answers with the first matching one.
    http.get(apiUrl("/projects/demo-text/"), () => {
      calls.projects += 1;
      return HttpResponse.json(textProject);
    }),
    ...sessionHandlers(user, [textProject]),
    http.get(apiUrl("/projects/demo-text/model-versions/"), ({ request }) => {
      calls.list += 1;
      const query = new URL(request.url).searchParams;
      const offset = Number(query.get("offset") ?? 0);
      const limit = Number(query.get("limit") ?? 50);
      const slice = versions.slice(offset, offset + limit);
      return HttpResponse.json({ ...page(slice, versions.length), next: offset + limit < versions.length ? "more" : null });
    }),
    http.get(apiUrl("/projects/demo-text/learning-curve/"), () =>
      HttpResponse.json({
        metric: "f1_macro",
        points: [...versions].reverse().map((v, i) => ({
          version_id: v.id, number: v.number, status: v.status, human_answers: i * 50, value: v.metrics.f1_macro, created_at: v.created_at,
        })),
      }),
    ),
  );
  return calls;
}

beforeEach(() => {
  mockChartSize();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("versions page", () => {
  it("lists versions, charts the metric and shows the candidate beside the champion", async () => {
    serve();
    renderAt(PAGE);

    expect(await screen.findByRole("heading", { name: "Candidate v4 beside champion v2" }, { timeout: 5000 })).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Model versions, newest first" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[0].textContent)).toEqual(["v4", "v3", "v2", "v1"]);
    expect(within(rows[1]).getByText("rejected")).toBeInTheDocument();
    expect(within(rows[1]).getByText("rejected by the gate (Δ -0.030)")).toBeInTheDocument();
    expect(within(rows[2]).getByText("engineer")).toBeInTheDocument();
    // The champion's gate still says awaiting_approval (its record from training time): the table says what holds now.
    expect(within(rows[2]).getByText("promoted, approved by engineer (Δ +0.090)")).toBeInTheDocument();
    expect(within(rows[0]).getByText("awaiting approval (Δ +0.060)")).toBeInTheDocument();
    expect(within(rows[3]).getByText("archived (served earlier)")).toBeInTheDocument();
    expect(screen.queryByText(/waiting for a human approval/, { selector: "td" })).not.toBeInTheDocument();
    expect(within(rows[0]).getByRole("link", { name: "v4" })).toHaveAttribute("href", "/projects/demo-text/versions/14");
    // The tracking URI is a SQLite file, so there is no MLflow UI to link: the id is shown with a copy button.
    expect(within(rows[0]).getByRole("button", { name: `Copy MLflow run id ${"run4".padEnd(32, "0")}` })).toBeInTheDocument();

    expect(screen.getByText(/F1 \(macro\) of 4 versions on the holdout\. Champion v2: 0\.690\..*1 rejected candidate/)).toBeInTheDocument();
    expect(document.querySelectorAll(".recharts-responsive-container svg").length).toBeGreaterThanOrEqual(1);
    expect(await screen.findByText(/against the number of human answers.*Latest: v4 with 150 answers, 0\.750/)).toBeInTheDocument();

    // Gate decision, and the champion measured on the candidate's holdout (0.69) beside the candidate (0.75).
    expect(screen.getByText("Gate: Passed the gate; waiting for a human approval")).toBeInTheDocument();
    const metrics = screen.getByRole("table", { name: "Holdout metrics of v4 and v2" });
    const f1Row = within(metrics).getByRole("row", { name: /F1 \(macro\)/ });
    expect(within(f1Row).getAllByRole("cell").map((c) => c.textContent)).toEqual(["0.750", "0.690", "+0.060"]);
    const perClass = screen.getByRole("table", { name: "Per-class scores of v4 against v2" });
    expect(within(perClass).getByRole("row", { name: /^billing/ })).toHaveTextContent("+0.060");
    expect(screen.getByRole("button", { name: "Roll back to v1" })).toBeInTheDocument();
  });

  it("promotes after a confirmation, posting the optional reason, and refreshes versions and projects", async () => {
    const calls = serve();
    let posted: unknown = null;
    server.use(
      http.post(apiUrl("/model-versions/14/promote/"), async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json({ ...textVersions()[0], status: "champion" });
      }),
    );
    const { user } = renderAt(PAGE);

    await user.click(await screen.findByRole("button", { name: "Approve & promote v4" }, { timeout: 5000 }));
    const dialog = screen.getByRole("dialog", { name: "Approve and promote v4?" });
    expect(within(dialog).getByText("Reason (optional)")).toBeInTheDocument();
    expect(posted).toBeNull();
    const listCalls = calls.list;
    const projectCalls = calls.projects;
    await user.type(within(dialog).getByRole("textbox"), "better on billing");
    await user.click(within(dialog).getByRole("button", { name: "Promote" }));

    await waitFor(() => expect(posted).toEqual({ reason: "better on billing" }));
    expect(await screen.findByText("v4 is now the champion.")).toBeInTheDocument();
    await waitFor(() => expect(calls.list).toBeGreaterThan(listCalls));
    await waitFor(() => expect(calls.projects).toBeGreaterThan(projectCalls));
  });

  it("requires a reason to promote a version the gate did not pass, and shows the API's refusal", async () => {
    const versions = textVersions();
    // A candidate compared with v1, while v2 serves: the approval is stale.
    versions[0] = { ...versions[0], gate: { ...(versions[0].gate as object), champion_version: 1 } };
    serve(versions);
    let posted: unknown = null;
    server.use(
      http.post(apiUrl("/model-versions/14/promote/"), async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json(
          { detail: "Version 4 was compared with v1, but v2 serves now; promoting it needs a 'reason' (or retrain)." },
          { status: 400 },
        );
      }),
    );
    const { user } = renderAt(PAGE);

    expect(await screen.findByText(/This comparison was with v1, but v2 serves now/, {}, { timeout: 5000 })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Approve & promote v4" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText("Reason (required)")).toBeInTheDocument();
    const confirm = within(dialog).getByRole("button", { name: "Promote" });
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByRole("textbox"), "   ");
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByRole("textbox"), "checked by hand");
    expect(confirm).toBeEnabled();
    await user.click(confirm);

    expect(await within(dialog).findByRole("alert")).toHaveTextContent("promoting it needs a 'reason' (or retrain).");
    expect(posted).toEqual({ reason: "checked by hand" });
  });

  it("rejects the candidate with a reason", async () => {
    serve();
    let posted: unknown = null;
    server.use(
      http.post(apiUrl("/model-versions/14/reject/"), async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json({ ...textVersions()[0], status: "rejected" });
      }),
    );
    const { user } = renderAt(PAGE);

    await user.click(await screen.findByRole("button", { name: "Reject v4" }, { timeout: 5000 }));
    const dialog = screen.getByRole("dialog", { name: "Reject v4?" });
    expect(within(dialog).getByRole("button", { name: "Reject" })).toBeDisabled();
    await user.type(within(dialog).getByRole("textbox"), "worse on VIP tickets");
    await user.click(within(dialog).getByRole("button", { name: "Reject" }));

    await waitFor(() => expect(posted).toEqual({ reason: "worse on VIP tickets" }));
    expect(await screen.findByText("v4 was rejected.")).toBeInTheDocument();
  });

  it("rolls back after a confirmation and shows a 409's detail", async () => {
    serve();
    const posted: unknown[] = [];
    server.use(
      http.post(apiUrl("/projects/demo-text/rollback/"), async ({ request }) => {
        posted.push(await request.json());
        return posted.length === 1
          ? HttpResponse.json({ detail: "Version 1 is the first champion of 'demo-text': nothing to roll back to." }, { status: 409 })
          : HttpResponse.json({ ...textVersions()[3], status: "champion" });
      }),
    );
    const { user } = renderAt(PAGE);

    await user.click(await screen.findByRole("button", { name: "Roll back to v1" }, { timeout: 5000 }));
    const dialog = screen.getByRole("dialog", { name: "Roll back from v2 to v1?" });
    await user.click(within(dialog).getByRole("button", { name: "Roll back" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("nothing to roll back to.");

    await user.type(within(dialog).getByRole("textbox"), "v2 misroutes VIP tickets");
    await user.click(within(dialog).getByRole("button", { name: "Roll back" }));
    expect(await screen.findByText("Rolled back: v1 serves again.")).toBeInTheDocument();
    expect(posted).toEqual([{ reason: "" }, { reason: "v2 misroutes VIP tickets" }]);
  });

  it("says who rejected a version and why, and shows no candidate once none waits", async () => {
    const versions = textVersions();
    versions[0] = {
      ...versions[0],
      status: "rejected",
      gate: { ...(versions[0].gate as object), decision: "rejected_by_human", rejected_reason: "misroutes VIP tickets" },
    };
    serve(versions);
    renderAt(PAGE);

    expect(await screen.findByRole("heading", { name: "Champion" }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText("No candidate is waiting for a decision. A new training run produces one.")).toBeInTheDocument();
    expect(screen.queryByText(/waiting for a human approval/)).not.toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Model versions, newest first" });
    const v4 = within(table).getAllByRole("row")[1];
    expect(within(v4).getByText("rejected by a human: misroutes VIP tickets (Δ +0.060)")).toBeInTheDocument();
  });

  it("shows an auditor the versions without the actions", async () => {
    serve(textVersions(), users.auditor);
    renderAt(PAGE);
    expect(await screen.findByRole("heading", { name: "Candidate v4 beside champion v2" }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /promote|Reject|Roll back/ })).not.toBeInTheDocument();
  });

  it("says when there are no versions, and shows the API's error", async () => {
    serve([]);
    renderAt(PAGE);
    expect(await screen.findByText("No model versions yet. A training run creates the first one.", {}, { timeout: 5000 })).toBeInTheDocument();

    server.use(
      http.get(apiUrl("/projects/demo-text/model-versions/"), () =>
        HttpResponse.json({ detail: "You are not a member of 'demo-text'." }, { status: 403 }),
      ),
    );
    renderAt(PAGE);
    expect(await screen.findByText("You are not a member of 'demo-text'.", {}, { timeout: 5000 })).toBeInTheDocument();
  });
  it("a candidate outside the envelope names what is outside; only an admin approves it, with a reason", async () => {
    const outside = () => {
      const versions = textVersions();
      versions[0].gate = { ...versions[0].gate, decision: "outside_envelope", envelope: { outside: ["parameter C=16 is outside [1, 8]"] } };
      return versions;
    };
    serve(outside(), users.engineer);
    const first = renderAt(PAGE);
    const gate = (await screen.findByText(/^Gate: Outside the project's envelope/, {}, { timeout: 5000 })).closest(".gate-box") as HTMLElement;
    expect(within(gate).getByText("parameter C=16 is outside [1, 8]")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Approve/ })).not.toBeInTheDocument();
    expect(screen.getByText("Outside the envelope: only an admin can approve v4.")).toBeInTheDocument();
    first.unmount();

    serve(outside(), users.admin);
    let posted: unknown = null;
    server.use(
      http.post(apiUrl("/model-versions/14/promote/"), async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json({ ...outside()[0], status: "champion", approved_by: "admin" });
      }),
    );
    const { user } = renderAt(PAGE);
    await user.click(await screen.findByRole("button", { name: "Approve outside the envelope & promote v4" }, { timeout: 5000 }));
    const dialog = screen.getByRole("dialog", { name: "Approve and promote v4?" });
    expect(dialog).toHaveTextContent("outside the project's envelope of pre-determined changes (parameter C=16 is outside [1, 8])");
    expect(within(dialog).getByRole("button", { name: "Promote" })).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/Reason \(required\)/), "C=16 validated offline");
    await user.click(within(dialog).getByRole("button", { name: "Promote" }));
    await waitFor(() => expect(posted).toEqual({ reason: "C=16 validated offline" }));
  });
});
