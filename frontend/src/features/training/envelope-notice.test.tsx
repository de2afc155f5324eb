import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { page, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { run } from "./test-fixtures";

configure({ asyncUtilTimeout: 4000 });

const OUTSIDE = ["parameter C=16 is outside [1, 8]", "label 'refund' is not among the declared labels"];

function serve(user: object) {
  let version = { id: 105, number: 5, status: "candidate", outside_envelope: OUTSIDE };
  const promoted: unknown[] = [];
  const current = () => run(5, { params: { k_folds: 5, C: 16 }, model_version: version });
  server.use(
    ...sessionHandlers(user, [textProject]),
    http.get(apiUrl("/projects/demo-text/training-runs/"), () => HttpResponse.json(page([current(), run(4)]))),
    http.get(apiUrl("/training-runs/:id/"), ({ params }) => HttpResponse.json(Number(params.id) === 5 ? current() : run(4))),
    http.post(apiUrl("/model-versions/105/promote/"), async ({ request }) => {
      promoted.push(await request.json());
      version = { ...version, status: "champion" };
      return HttpResponse.json({ id: 105, number: 5, status: "champion" });
    }),
  );
  return promoted;
}

describe("training runs outside the envelope of pre-determined changes (Annex IV 2(f))", () => {
  it("shows what is outside; an admin approves it with a reason", async () => {
    const promoted = serve(users.admin);
    const { user } = renderAt("/projects/demo-text/training");
    const notice = (await screen.findByText(/v5 is outside the project's envelope/)).closest(".envelope-notice") as HTMLElement;
    for (const what of OUTSIDE) expect(within(notice).getByText(what)).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Training runs, newest first" });
    expect(within(within(table).getAllByRole("row")[1]).getByText("outside the envelope")).toBeInTheDocument();

    await user.click(within(notice).getByRole("button", { name: "Approve v5 outside the envelope…" }));
    const dialog = screen.getByRole("dialog", { name: "Approve v5 outside the envelope?" });
    expect(within(dialog).getByRole("button", { name: "Approve & promote" })).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/Reason/), "Validated on the March sample");
    await user.click(within(dialog).getByRole("button", { name: "Approve & promote" }));
    await waitFor(() => expect(promoted).toEqual([{ reason: "Validated on the March sample" }]));
    expect(await screen.findByText(/\(approved by an admin\)/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Approve v5/ })).not.toBeInTheDocument();
  });

  it("tells an ML engineer that only an admin can approve it", async () => {
    serve(users.engineer);
    renderAt("/projects/demo-text/training");
    const notice = (await screen.findByText(/v5 is outside the project's envelope/)).closest(".envelope-notice") as HTMLElement;
    expect(within(notice).getByText("Only an admin can approve it, with a reason.")).toBeInTheDocument();
    expect(within(notice).queryByRole("button")).not.toBeInTheDocument();
  });
});
