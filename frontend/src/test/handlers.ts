// Default API answers for every test: logged out, no projects. Tests override with server.use(...).
import { http, HttpResponse } from "msw";

import { apiUrl } from "./api-url";

export const baseHandlers = [
  http.get(apiUrl("/auth/me/"), () =>
    HttpResponse.json({ detail: "Authentication credentials were not provided." }, { status: 401 }),
  ),
  http.get(apiUrl("/projects/"), () => HttpResponse.json([])),
];

/** Logs the test in as `user` and serves `projects` from the list and detail endpoints. */
export function sessionHandlers(user: object, projects: { slug: string }[] = []) {
  return [
    http.get(apiUrl("/auth/me/"), () => HttpResponse.json(user)),
    http.get(apiUrl("/projects/"), () => HttpResponse.json(projects)),
    http.get(apiUrl("/projects/:slug/"), ({ params }) => {
      const project = projects.find((p) => p.slug === params.slug);
      return project ? HttpResponse.json(project) : HttpResponse.json({ detail: "No such project." }, { status: 404 });
    }),
  ];
}
