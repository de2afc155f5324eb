import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, type MockInstance } from "vitest";

import { apiUrl } from "@/test/api-url";
import { mockChartSize } from "@/test/chart-size";
import { textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { annotators, monitoring, policy } from "./test-fixtures";

configure({ asyncUtilTimeout: 4000 });

let size: MockInstance;
beforeEach(() => {
  size = mockChartSize();
});
afterEach(() => size.mockRestore());

/** A fake API that keeps the policy and records each PATCH. It refuses a PSI of 0.0001 at its field, standing in
 * for a rule only the API knows (the form's ranges mirror the API's, so the API refuses little that gets past them). */
function serve(user: object) {
  const patches: Record<string, unknown>[] = [];
  let current = { ...policy };
  server.use(
    ...sessionHandlers(user, [textProject]),
    http.get(apiUrl("/projects/demo-text/monitoring/"), () => HttpResponse.json(monitoring({ policy: current }))),
    http.get(apiUrl("/projects/demo-text/monitoring/annotators/"), () => HttpResponse.json(annotators)),
    http.patch(apiUrl("/projects/demo-text/monitoring/policy/"), async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      patches.push(body);
      if (body.input_psi_threshold === 0.0001)
        return HttpResponse.json({ input_psi_threshold: ["Too small to tell a shift from noise."] }, { status: 400 });
      current = { ...current, ...body };
      return HttpResponse.json(current);
    }),
  );
  return { patches };
}

const form = async () => within(await screen.findByRole("form", { name: "Monitoring thresholds" }));

describe("monitoring thresholds (AI Act Art. 72)", () => {
  it("an ML engineer changes two thresholds: only those are sent, and the form says what was saved", async () => {
    const fake = serve(users.engineer);
    const { user } = renderAt("/projects/demo-text/monitoring");
    const thresholds = await form();
    expect(thresholds.getByLabelText("Highest correction rate")).toHaveValue(0.3);
    expect(thresholds.getByRole("button", { name: "Save thresholds" })).toBeDisabled();

    await user.clear(thresholds.getByLabelText("Highest correction rate"));
    await user.type(thresholds.getByLabelText("Highest correction rate"), "0.25");
    await user.click(thresholds.getByLabelText("Retrain on a flag"));
    await user.click(thresholds.getByRole("button", { name: "Save thresholds" }));

    await waitFor(() => expect(fake.patches).toEqual([{ max_correction_rate: 0.25, retrain_on_flag: true }]));
    expect(await thresholds.findByRole("status")).toHaveTextContent("Saved: Highest correction rate, retrain on a flag.");
    expect(thresholds.getByLabelText("Highest correction rate")).toHaveValue(0.25);
    expect(thresholds.getByRole("button", { name: "Save thresholds" })).toBeDisabled(); // saved: nothing changed since
  });

  it("a value out of range is refused at its field before anything is sent", async () => {
    const fake = serve(users.admin);
    const { user } = renderAt("/projects/demo-text/monitoring");
    const thresholds = await form();
    const rate = thresholds.getByLabelText("Highest disagreement rate");
    await user.clear(rate);
    await user.type(rate, "1.5");
    const days = thresholds.getByLabelText("Window (days)");
    await user.clear(days);
    await user.type(days, "2.5");
    await user.click(thresholds.getByRole("button", { name: "Save thresholds" }));

    expect(rate).toHaveAttribute("aria-invalid", "true");
    expect(rate).toHaveAccessibleDescription(expect.stringContaining("Enter a number from 0 to 1."));
    expect(days).toHaveAccessibleDescription(expect.stringContaining("Enter a whole number."));
    expect(thresholds.getByRole("alert")).toHaveTextContent("Nothing was saved: fix the fields marked above.");
    expect(fake.patches).toEqual([]);
  });

  it("the API's refusal shows at the field it names", async () => {
    const fake = serve(users.engineer);
    const { user } = renderAt("/projects/demo-text/monitoring");
    const thresholds = await form();
    const psi = thresholds.getByLabelText("Input shift (PSI)");
    await user.clear(psi);
    await user.type(psi, "0.0001");
    await user.click(thresholds.getByRole("button", { name: "Save thresholds" }));

    await waitFor(() => expect(fake.patches).toEqual([{ input_psi_threshold: 0.0001 }]));
    await waitFor(() => expect(psi).toHaveAttribute("aria-invalid", "true"));
    expect(psi).toHaveAccessibleDescription(expect.stringContaining("Too small to tell a shift from noise."));
    expect(thresholds.queryByRole("status")).not.toBeInTheDocument();
  });

  it("an auditor reads the thresholds but has no form", async () => {
    serve(users.auditor);
    renderAt("/projects/demo-text/monitoring");
    const card = (await screen.findByRole("heading", { name: "Thresholds" })).closest("section") as HTMLElement;
    expect(within(card).getByText("Highest correction rate").nextElementSibling).toHaveTextContent("0.3");
    expect(within(card).getByText("Retrain on a flag").nextElementSibling).toHaveTextContent("no");
    expect(within(card).getByText(/ML engineers and admins change them/)).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Monitoring thresholds" })).not.toBeInTheDocument();
    expect(within(card).queryByRole("textbox")).not.toBeInTheDocument();
  });
});
