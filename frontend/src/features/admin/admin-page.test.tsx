import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

type Project = typeof textProject | typeof detectionProject;

function adminApi(initial: Project[]) {
  const projects: Project[] = [...initial];
  const members: Record<string, string[]> = { "demo-text": ["admin", "annotator"], "demo-shapes": ["admin"] };
  const calls: { method: string; slug?: string; body: unknown }[] = [];
  const handlers = [
    ...sessionHandlers(users.admin, projects),
    http.get(apiUrl("/projects/"), () => HttpResponse.json(projects)),
    http.post(apiUrl("/projects/"), async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      calls.push({ method: "POST", body });
      if (projects.some((p) => p.slug === body.slug)) {
        return HttpResponse.json({ detail: `A project with slug '${body.slug}' already exists.` }, { status: 409 });
      }
      const project = { ...textProject, id: 9, ...body, champion: null, queue_count: 0, pending_reviews: 0 } as unknown as Project;
      projects.push(project);
      members[project.slug] = ["admin"];
      return HttpResponse.json(project, { status: 201 });
    }),
    http.get(apiUrl("/projects/:slug/members/"), ({ params }) =>
      HttpResponse.json({ members: members[params.slug as string] ?? [] }),
    ),
    http.post(apiUrl("/projects/:slug/members/"), async ({ request, params }) => {
      const slug = params.slug as string;
      const body = (await request.json()) as { username: string };
      calls.push({ method: "POST members", slug, body });
      members[slug] = [...new Set([...members[slug], body.username])].sort();
      return HttpResponse.json({ members: members[slug] }, { status: 201 });
    }),
    http.delete(apiUrl("/projects/:slug/members/"), async ({ request, params }) => {
      const slug = params.slug as string;
      const body = (await request.json()) as { username: string };
      calls.push({ method: "DELETE members", slug, body });
      members[slug] = members[slug].filter((m) => m !== body.username);
      return new HttpResponse(null, { status: 204 });
    }),
  ];
  return { handlers, calls };
}

describe("admin page", () => {
  it("sends users and roles to the Django admin and explains roles and staff status", async () => {
    server.use(...adminApi([textProject]).handlers);
    renderAt("/admin-tools");

    expect(await screen.findByRole("link", { name: "Users in the Django admin" })).toHaveAttribute("href", "/admin/auth/user/");
    expect(screen.getByRole("link", { name: "Roles (groups) in the Django admin" })).toHaveAttribute("href", "/admin/auth/group/");
    expect(screen.getByRole("link", { name: "Django admin home" })).toHaveAttribute("href", "/admin/");
    for (const group of ["annotator", "reviewer", "ml_engineer", "auditor", "admin"]) {
      expect(screen.getAllByText(group, { selector: "dt code" })).toHaveLength(1);
    }
    expect(screen.getByText(/Roles are Django groups/)).toBeInTheDocument();
    expect(screen.getByText(/must be/).closest("p")).toHaveTextContent("must be staff");
    expect(screen.getByText("Your account is staff: the links above work for you.")).toBeInTheDocument();
  });

  it("creates a project, refusing too few labels and showing the API's conflict", async () => {
    const api = adminApi([textProject]);
    server.use(...api.handlers);
    const { user } = renderAt("/admin-tools");

    await user.type(await screen.findByLabelText("Slug"), "demo-text");
    await user.type(screen.getByLabelText("Name"), "Ticket routing");
    await user.type(screen.getByLabelText("Labels"), "billing");
    await user.type(screen.getByLabelText("Purpose"), "Route tickets");
    await user.type(screen.getByLabelText("Lawful basis"), "legitimate_interests");
    await user.click(screen.getByRole("button", { name: "Create project" }));
    expect(screen.getByLabelText("Labels")).toHaveAccessibleDescription(/Give at least two labels, one per line./);
    expect(api.calls).toEqual([]);

    await user.type(screen.getByLabelText("Labels"), "\ntechnical\n\nother");
    await user.click(screen.getByRole("button", { name: "Create project" }));
    expect(await screen.findByText("A project with slug 'demo-text' already exists.", { exact: false })).toBeInTheDocument();

    await user.clear(screen.getByLabelText("Slug"));
    await user.type(screen.getByLabelText("Slug"), "tickets");
    await user.selectOptions(screen.getByLabelText("Task"), "object_detection");
    await user.click(screen.getByRole("button", { name: "Create project" }));

    const done = await screen.findByRole("status");
    expect(done).toHaveTextContent("Created Ticket routing.");
    expect(within(done).getByRole("link", { name: "review its settings" })).toHaveAttribute("href", "/projects/tickets/settings");
    expect(api.calls.at(-1)).toEqual({
      method: "POST",
      body: {
        slug: "tickets",
        name: "Ticket routing",
        task: "object_detection",
        labels: ["billing", "technical", "other"],
        purpose: "Route tickets",
        lawful_basis: "legitimate_interests",
      },
    });
    // The new project appears in the membership list, with its creator as member.
    expect(await screen.findByRole("heading", { name: /Ticket routing tickets/ })).toBeInTheDocument();
    expect(await screen.findByRole("list", { name: "Members of Ticket routing" })).toHaveTextContent("admin");
    expect(screen.getByLabelText("Slug")).toHaveValue("");
  });

  it("manages the members of every project", async () => {
    const api = adminApi([textProject, detectionProject]);
    server.use(...api.handlers);
    const { user } = renderAt("/admin-tools");

    const textMembers = await screen.findByRole("list", { name: `Members of ${textProject.name}` });
    expect(textMembers).toHaveTextContent("annotator");
    const shapesMembers = await screen.findByRole("list", { name: `Members of ${detectionProject.name}` });
    expect(within(shapesMembers).queryByText("annotator")).not.toBeInTheDocument();

    await user.type(screen.getByLabelText(`Add member to ${detectionProject.name}`), "annotator{Enter}");
    await waitFor(() => expect(shapesMembers).toHaveTextContent("annotator"));

    await user.click(screen.getByRole("button", { name: `Remove annotator from ${textProject.name}` }));
    const dialog = screen.getByRole("dialog", { name: `Remove annotator from ${textProject.name}?` });
    await user.click(within(dialog).getByRole("button", { name: "Remove member" }));
    await waitFor(() => expect(textMembers).not.toHaveTextContent("annotator"));

    expect(api.calls).toEqual([
      { method: "POST members", slug: "demo-shapes", body: { username: "annotator" } },
      { method: "DELETE members", slug: "demo-text", body: { username: "annotator" } },
    ]);
  });

  it("lets ML engineers create projects and manage members, but keeps the Django admin for admins", async () => {
    server.use(...sessionHandlers(users.engineer, [textProject]), ...adminApi([textProject]).handlers);
    renderAt("/admin-tools");
    expect(await screen.findByRole("heading", { name: "Manage projects", level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Users in the Django admin" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Create project" })).toBeInTheDocument();
  });

  it("is not for annotators or auditors", async () => {
    for (const who of [users.annotator, users.auditor]) {
      server.use(...sessionHandlers(who, [textProject]));
      const view = renderAt("/admin-tools");
      expect(await screen.findByRole("heading", { name: "No access" })).toBeInTheDocument();
      view.unmount();
    }
  });
});
