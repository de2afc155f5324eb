import { configure, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { textProject, users } from "@/test/fixtures";
import { contestHandlers, oversightHandlers, sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

configure({ asyncUtilTimeout: 3000 });

function serve(user: object, stopped = false) {
  const project = {
    ...textProject,
    ...(stopped
      ? { stopped_at: "2026-11-30T08:00:00Z", stopped_role: "admin", stop_reason: "Complaints about billing routing" }
      : {}),
  };
  const oversight = oversightHandlers(project);
  server.use(...sessionHandlers(user, [project]), ...oversight.handlers, ...contestHandlers(project.slug, []).handlers);
  return { project, oversight };
}

describe("stop / start the model (AI Act Art. 14)", () => {
  it("an ML engineer stops the model with a required reason; the banner says who, when and why; then starts it", async () => {
    const { oversight } = serve(users.engineer);
    const { user } = renderAt("/projects/demo-text/contests");

    await user.click(await screen.findByRole("button", { name: "Stop the model" }));
    const dialog = screen.getByRole("dialog", { name: "Stop the model?" });
    const confirm = within(dialog).getByRole("button", { name: "Stop the model" });
    expect(confirm).toBeDisabled(); // the reason is required
    await user.type(within(dialog).getByLabelText(/Reason \(required\)/), "  Drift on the new ticket form  ");
    await user.click(confirm);

    await waitFor(() => expect(oversight.posted).toEqual([{ action: "stop", body: { reason: "Drift on the new ticket form" } }]));
    const banner = await screen.findByText("The model is stopped");
    const box = banner.closest(".stop-banner") as HTMLElement;
    expect(box).toHaveTextContent(/stopped by ml engineer at .*2026.*: “?Drift on the new ticket form/);
    expect(box).toHaveTextContent("Predictions, queue scoring and training are refused until it is started again.");
    expect(screen.queryByRole("button", { name: "Stop the model" })).not.toBeInTheDocument();

    await user.click(within(box).getByRole("button", { name: "Start the model again" }));
    const again = screen.getByRole("dialog", { name: "Start the model again?" });
    await user.type(within(again).getByLabelText(/Reason/), "Retrained and checked");
    await user.click(within(again).getByRole("button", { name: "Start the model" }));
    await waitFor(() => expect(screen.queryByText("The model is stopped")).not.toBeInTheDocument());
    expect(oversight.posted[1]).toEqual({ action: "start", body: { reason: "Retrained and checked" } });
    expect(await screen.findByRole("button", { name: "Stop the model" })).toBeInTheDocument();
  });

  it("shows the banner on every project page to everyone, but only ML engineers and admins get the button", async () => {
    serve(users.reviewer, true);
    renderAt("/projects/demo-text/contests");
    const banner = (await screen.findByText("The model is stopped")).closest(".stop-banner") as HTMLElement;
    expect(banner).toHaveTextContent("stopped by admin at");
    expect(banner).toHaveTextContent("Complaints about billing routing");
    expect(within(banner).queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Stop the model" })).not.toBeInTheDocument();
  });

  it("shows the API's refusal in the dialog and keeps it open", async () => {
    const { project } = serve(users.admin);
    const { user } = renderAt("/projects/demo-text/contests");
    await user.click(await screen.findByRole("button", { name: "Stop the model" }));
    project.stopped_at = "2026-11-30T08:00:00Z"; // someone else stopped it meanwhile
    const dialog = screen.getByRole("dialog", { name: "Stop the model?" });
    await user.type(within(dialog).getByLabelText(/Reason/), "incident 42");
    await user.click(within(dialog).getByRole("button", { name: "Stop the model" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Already stopped.");
  });
});
