import { Link, isRouteErrorResponse, useRouteError } from "react-router-dom";

import { errorMessage } from "@/lib/api/errors";

/** Shown instead of a blank page when a route fails to load or render. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : errorMessage(error);
  return (
    <main>
      <div className="card" role="alert">
        <h1>Something went wrong</h1>
        <p>{message}</p>
        <p>
          <Link to="/">Back to the projects</Link> or reload the page.
        </p>
      </div>
    </main>
  );
}

export function NotFoundPage() {
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the projects</Link>
      </p>
    </div>
  );
}
