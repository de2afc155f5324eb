// Renders the real route table at a URL, with a fresh query cache: a page test sees what a user sees.
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router-dom";

import { Providers } from "@/app/providers";
import { routes as appRoutes } from "@/app/routes";

export function renderAt(url: string, { routes = appRoutes }: { routes?: RouteObject[] } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  const user = userEvent.setup();
  const view = render(
    <Providers client={client}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...view, user, router, client };
}
