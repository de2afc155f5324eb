import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

describe("project list", () => {
  it("shows each project's task, labels, champion with its metric and the queue", async () => {
    server.use(...sessionHandlers(users.annotator, [detectionProject, textProject]));
    renderAt("/");
    const card = (await screen.findByRole("link", { name: textProject.name })).closest("article")!;
    expect(within(card as HTMLElement).getByText("text classification")).toBeInTheDocument();
    expect(within(card as HTMLElement).getByText("5 labels")).toBeInTheDocument();
    expect(card).toHaveTextContent("v1 f1_macro 0.658");
    expect(card).toHaveTextContent("In the queue2,550");
    expect(within(card as HTMLElement).getByRole("link", { name: "Annotate" })).toHaveAttribute(
      "href",
      "/projects/demo-text/queue",
    );
    // An annotator neither trains nor creates projects.
    expect(screen.queryByRole("link", { name: "Training" })).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "New project" })).not.toBeInTheDocument();
  });

  it("offers training and project creation to ML engineers, and says when there is no champion", async () => {
    const noChampion = { ...textProject, champion: null };
    server.use(...sessionHandlers(users.engineer, [noChampion]));
    renderAt("/");
    const card = (await screen.findByRole("link", { name: textProject.name })).closest("article")!;
    expect(card).toHaveTextContent("Championnone yet");
    expect(within(card as HTMLElement).getByRole("link", { name: "Training" })).toBeInTheDocument();
    expect(within(card as HTMLElement).queryByRole("link", { name: "Annotate" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "New project" })).toHaveAttribute("href", "/admin-tools");
  });

  it("says so when the user belongs to no project, and shows the API's error text", async () => {
    server.use(...sessionHandlers(users.annotator, []));
    const first = renderAt("/");
    expect(await screen.findByText(/not a member of any project/)).toBeInTheDocument();
    first.unmount();

    server.use(
      http.get(apiUrl("/projects/"), () =>
        HttpResponse.json({ detail: "This needs one of the roles: admin, annotator." }, { status: 403 }),
      ),
    );
    renderAt("/");
    expect(await screen.findByRole("alert")).toHaveTextContent("This needs one of the roles: admin, annotator.");
  });
});
