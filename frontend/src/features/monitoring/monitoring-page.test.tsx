import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, type MockInstance } from "vitest";

import { apiUrl } from "@/test/api-url";
import { mockChartSize } from "@/test/chart-size";
import { textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { annotators, flag, monitoring } from "./test-fixtures";

configure({ asyncUtilTimeout: 4000 });

let size: MockInstance;
beforeEach(() => {
  size = mockChartSize();
});
afterEach(() => size.mockRestore());

function serve(user: object) {
  const queries: string[] = [];
  let checks = 0;
  server.use(
    ...sessionHandlers(user, [textProject]),
    http.get(apiUrl("/projects/demo-text/monitoring/"), ({ request }) => {
      queries.push(new URL(request.url).search);
      return HttpResponse.json(checks ? monitoring({ flags: [], recent_flags: [] }) : monitoring());
    }),
    http.get(apiUrl("/projects/demo-text/monitoring/annotators/"), () => HttpResponse.json(annotators)),
    http.post(apiUrl("/projects/demo-text/monitoring/check/"), () => {
      checks += 1;
      return HttpResponse.json({ raised: [], cleared: [flag(1, { cleared_at: "2026-11-30T10:00:00Z" })], training_run: null });
    }),
  );
  return { queries, checks: () => checks };
}

describe("monitoring page (AI Act Art. 72)", () => {
  it("shows the open flags, the champion's totals and charts, and the annotators' indicators", async () => {
    serve(users.auditor);
    const { user } = renderAt("/projects/demo-text/monitoring");

    const open = await screen.findByRole("list", { name: "Open flags" });
    expect(open).toHaveTextContent("Correction rate above the limit");
    expect(open).toHaveTextContent("v2");
    expect(open).toHaveTextContent("36 % > 30 %");
    expect(within(open).getByRole("link", { name: "training run #12" })).toHaveAttribute("href", "/projects/demo-text/training?run=12");
    expect(screen.getByText("1 cleared during the window")).toBeInTheDocument();

    // The champion is shown first, with the window's totals against the limits.
    expect(screen.getByRole("button", { name: "v2 (champion)" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByText("Correction rate", { selector: "dt" }).nextElementSibling).toHaveTextContent("36 % (limit 30 %)");
    expect(screen.getByText("Input shift (text length)", { selector: "dt" }).nextElementSibling).toHaveTextContent("PSI 0.31, p 0.004");
    for (const title of ["Prediction volume", "Confidence", "Correction and disagreement rate", "Drift against the training data"]) {
      expect(screen.getByRole("heading", { name: title })).toBeInTheDocument();
    }
    expect(screen.getByText(/v2: 420 predictions and 50 human answers over 3 day/)).toBeInTheDocument();
    expect(document.querySelectorAll(".recharts-wrapper").length).toBe(4);

    const table = screen.getByRole("table", { name: "Indicators per annotator" });
    expect(within(table).getByRole("row", { name: /ann/ })).toHaveTextContent("ann4090 %10 %80 % of 103 s");

    // An auditor reads; only ML engineers and admins run the check.
    expect(screen.queryByRole("button", { name: "Check thresholds now" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "v1" }));
    expect(await screen.findByText(/v1: 420 predictions and 50 human answers over 1 day/)).toBeInTheDocument();
  });

  it("changes the window and runs the check for an ML engineer", async () => {
    const fake = serve(users.engineer);
    const { user, router } = renderAt("/projects/demo-text/monitoring");
    await user.selectOptions(await screen.findByLabelText("Window"), "30");
    expect(router.state.location.search).toBe("?days=30");
    await waitFor(() => expect(fake.queries).toContain("?days=30"));

    await user.click(screen.getByRole("button", { name: "Check thresholds now" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Check done: 0 flag(s) raised, 1 cleared.");
    expect(await screen.findByText(/No open flags/)).toBeInTheDocument();
    expect(fake.checks()).toBe(1);
  });

  it("is not shown to annotators", async () => {
    serve(users.annotator);
    renderAt("/projects/demo-text/monitoring");
    expect(await screen.findByRole("heading", { name: "No access" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Monitoring" })).not.toBeInTheDocument();
  });
});
