import { screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { textProject, users } from "@/test/fixtures";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

describe("login", () => {
  it("sends a logged-out visitor to the login page and back after logging in", async () => {
    let loggedIn = false;
    let csrfHeader: string | null = null;
    server.use(
      http.get(apiUrl("/auth/me/"), () => {
        document.cookie = "csrftoken=tok123";
        return loggedIn
          ? HttpResponse.json(users.annotator)
          : HttpResponse.json({ detail: "Authentication credentials were not provided." }, { status: 401 });
      }),
      http.post(apiUrl("/auth/login/"), async ({ request }) => {
        csrfHeader = request.headers.get("X-CSRFToken");
        const body = (await request.json()) as { username: string; password: string };
        if (body.password !== "right") {
          return HttpResponse.json({ detail: "Unable to log in with the provided credentials." }, { status: 400 });
        }
        loggedIn = true;
        return HttpResponse.json(users.annotator);
      }),
      http.get(apiUrl("/projects/"), () => HttpResponse.json([textProject])),
    );
    const { user, router } = renderAt("/");

    await screen.findByRole("heading", { name: "Log in" });
    expect(router.state.location.search).toBe("?next=%2F");

    await user.type(screen.getByLabelText("Username"), "annotator");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Unable to log in with the provided credentials.");

    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), "right");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByRole("heading", { name: "Projects" })).toBeInTheDocument();
    expect(await screen.findByRole("link", { name: textProject.name })).toBeInTheDocument();
    expect(csrfHeader).toBe("tok123");
    await waitFor(() => expect(router.state.location.pathname).toBe("/"));
  });

  it("says when logins are throttled and for how long", async () => {
    const detail = "Too many failed logins for this account or from this address. Try again in 840 seconds.";
    server.use(
      http.get(apiUrl("/auth/me/"), () => {
        document.cookie = "csrftoken=tok123";
        return HttpResponse.json({ detail: "Authentication credentials were not provided." }, { status: 401 });
      }),
      http.post(apiUrl("/auth/login/"), () =>
        HttpResponse.json({ detail }, { status: 429, headers: { "Retry-After": "840" } }),
      ),
    );
    const { user } = renderAt("/login");

    await user.type(await screen.findByLabelText("Username"), "annotator");
    await user.type(screen.getByLabelText("Password"), "right");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(detail);
  });

  it("does not follow an off-site next parameter", async () => {
    server.use(http.get(apiUrl("/auth/me/"), () => HttpResponse.json(users.annotator)));
    const { router } = renderAt("/login?next=//evil.example/");
    await waitFor(() => expect(router.state.location.pathname).toBe("/"));
  });
});
