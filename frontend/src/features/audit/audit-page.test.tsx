import { screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { delay, http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, textProject, users } from "@/test/fixtures";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import type { ChainReport } from "./api/audit-verify";

const HASH = (n: number) => n.toString(16).padStart(64, "0");

function event(seq: number, overrides: Record<string, unknown> = {}) {
  return {
    seq,
    created_at: "2026-11-23T11:48:08.237683Z",
    actor_ref: "bfe01a178934eacbadb6a59ab2ed6806",
    actor_role: "annotator",
    action: "feedback.submitted",
    object_type: "feedback.feedback",
    object_id: String(seq),
    project: "demo-text",
    request_id: `req-${seq}`,
    details: { verdict: "correct", label: "billing" },
    prev_hash: HASH(seq - 1),
    hash: HASH(seq),
    ...overrides,
  };
}

type Seen = { url: URL }[];

/** Serves a log of `total` events, pages cut from the request's limit/offset; records each request. */
function auditHandlers(total: number, { seen = [], verify = verified(total) }: { seen?: Seen; verify?: ChainReport } = {}) {
  return [
    http.get(apiUrl("/audit/events/"), ({ request }) => {
      const url = new URL(request.url);
      seen.push({ url });
      const limit = Number(url.searchParams.get("limit") ?? 50);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const results = [];
      for (let seq = offset + 1; seq <= Math.min(total, offset + limit); seq++) results.push(event(seq));
      return HttpResponse.json({ count: total, next: null, previous: null, results });
    }),
    http.get(apiUrl("/audit/verify/"), () => HttpResponse.json(verify)),
  ];
}

function verified(events: number): ChainReport {
  return { ok: true, events, head_hash: HASH(events), first_bad_seq: null, reason: "" };
}

function setup(url: string, total = 120, options: Parameters<typeof auditHandlers>[1] = {}) {
  server.use(...sessionAs(users.auditor), ...auditHandlers(total, options));
  return renderAt(url);
}

function sessionAs(user: object) {
  return [
    http.get(apiUrl("/auth/me/"), () => HttpResponse.json(user)),
    http.get(apiUrl("/projects/"), () => HttpResponse.json([textProject, detectionProject])),
  ];
}

describe("audit page", () => {
  it("shows a page of events and a verified chain", async () => {
    const { user } = setup("/audit", 120);
    expect(await screen.findByRole("heading", { name: "Audit log" })).toBeInTheDocument();
    const status = await screen.findByText(/Chain verified:/);
    expect(status.closest("[role=status]")).toHaveTextContent(`120 events, head hash ${HASH(120)}`);
    expect(await screen.findByText("req-1")).toBeInTheDocument();
    const nav = screen.getByRole("navigation", { name: "Audit log pages" });
    expect(nav).toHaveTextContent("1–50 of 120 events · page 1 of 3");
    expect(screen.getAllByRole("row")).toHaveLength(51); // header + 50

    // Request id and hash columns can be hidden on tablets (audit.css): the details carry them whole.
    const wide = [...document.querySelectorAll("thead .audit-col-wide")].map((th) => th.textContent);
    expect(wide).toEqual(["Request id", "Hash"]);
    expect(screen.getByText("req-3").closest("td")).toHaveClass("audit-col-wide");

    // Details expand: the JSON, the request id and the full hash.
    await user.click(screen.getByRole("button", { name: "Show details of event 3" }));
    const details = document.getElementById("audit-event-3")!;
    expect(details).toHaveTextContent('"label": "billing"');
    expect(details).toHaveTextContent(HASH(3));
    expect(within(details).getByText("req-3")).toBeInTheDocument();
  });

  it("sends the filters as query params and keeps them in the URL", async () => {
    const seen: Seen = [];
    const { user, router } = setup("/audit", 120, { seen });
    await screen.findByText("req-1");

    await user.selectOptions(screen.getByLabelText("Action"), "model.promoted");
    await user.type(screen.getByLabelText("Actor"), "alice");
    await user.selectOptions(screen.getByLabelText("Project"), "demo-shapes");
    await user.type(screen.getByLabelText("Since"), "2026-11-23T10:00");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));

    const since = new Date("2026-11-23T10:00").toISOString().replace(".000Z", "Z");
    await waitFor(() => expect(router.state.location.search).toContain("action=model.promoted"));
    const search = new URLSearchParams(router.state.location.search);
    expect(Object.fromEntries(search)).toEqual({ action: "model.promoted", actor: "alice", project: "demo-shapes", since });

    await waitFor(() => expect(seen.at(-1)!.url.searchParams.get("action")).toBe("model.promoted"));
    const sent = seen.at(-1)!.url.searchParams;
    expect(sent.get("actor")).toBe("alice");
    expect(sent.get("project")).toBe("demo-shapes");
    expect(sent.get("since")).toBe(since);
    expect(sent.has("until")).toBe(false);
    expect(sent.get("offset")).toBe("0");

    // The filtered project links to its versions (model cards).
    expect(await screen.findByRole("link", { name: /Shapes \(synthetic detection demo\) → versions/ })).toHaveAttribute(
      "href",
      "/projects/demo-shapes/versions",
    );

    // Back restores the unfiltered view, in the form too.
    router.navigate(-1);
    await waitFor(() => expect(router.state.location.search).toBe(""));
    await waitFor(() => expect(screen.getByLabelText("Actor")).toHaveValue(""));
    await waitFor(() => expect(seen.at(-1)!.url.searchParams.has("actor")).toBe(false));
  });

  it("reads filters from a shared URL, including a free-text action", async () => {
    const seen: Seen = [];
    setup("/audit?action=custom.thing&actor=system&until=2026-11-24T00:00:00Z", 3, { seen });
    await screen.findByText("req-1");
    expect(screen.getByLabelText("Action")).toHaveValue("__other__");
    expect(screen.getByLabelText("Other action")).toHaveValue("custom.thing");
    expect(screen.getByLabelText("Actor")).toHaveValue("system");
    const sent = seen.at(-1)!.url.searchParams;
    expect(sent.get("action")).toBe("custom.thing");
    expect(sent.get("until")).toBe("2026-11-24T00:00:00Z");
  });

  it("pages with the right offsets, first/last included, without losing the table", async () => {
    const seen: Seen = [];
    const { user, router } = setup("/audit?action=feedback.submitted", 1234, { seen });
    await screen.findByText("req-1");
    const nav = screen.getByRole("navigation", { name: "Audit log pages" });

    await user.click(within(nav).getByRole("button", { name: "Next ›" }));
    await screen.findByText("req-51");
    expect(seen.at(-1)!.url.searchParams.get("offset")).toBe("50");
    expect(seen.at(-1)!.url.searchParams.get("limit")).toBe("50");
    expect(seen.at(-1)!.url.searchParams.get("action")).toBe("feedback.submitted");
    expect(router.state.location.search).toBe("?action=feedback.submitted&offset=50");

    await user.click(within(nav).getByRole("button", { name: "Last »" }));
    await screen.findByText("req-1201");
    expect(seen.at(-1)!.url.searchParams.get("offset")).toBe("1200");
    expect(nav).toHaveTextContent("1,201–1,234 of 1,234 events · page 25 of 25");
    expect(within(nav).getByRole("button", { name: "Next ›" })).toBeDisabled();

    await user.click(within(nav).getByRole("button", { name: "‹ Previous" }));
    await screen.findByText("req-1151");
    expect(seen.at(-1)!.url.searchParams.get("offset")).toBe("1150");

    await user.type(within(nav).getByLabelText("Page"), "3");
    await user.click(within(nav).getByRole("button", { name: "Go" }));
    await screen.findByText("req-101");
    expect(seen.at(-1)!.url.searchParams.get("offset")).toBe("100");

    await user.selectOptions(within(nav).getByLabelText("Per page"), "100");
    await screen.findByText("req-200");
    expect(seen.at(-1)!.url.searchParams.get("limit")).toBe("100");
    expect(seen.at(-1)!.url.searchParams.get("offset")).toBe("100");

    await user.click(within(nav).getByRole("button", { name: "« First" }));
    await screen.findByText("req-1");
    expect(seen.at(-1)!.url.searchParams.get("offset")).toBe("0");
  });

  it("keeps the current page on screen while the next one loads", async () => {
    server.use(...sessionAs(users.auditor), ...auditHandlers(200));
    server.use(
      http.get(apiUrl("/audit/events/"), async ({ request }) => {
        const offset = Number(new URL(request.url).searchParams.get("offset"));
        if (offset > 0) await delay(200);
        const results = Array.from({ length: 50 }, (_, i) => event(offset + i + 1));
        return HttpResponse.json({ count: 200, next: null, previous: null, results });
      }),
    );
    const { user } = renderAt("/audit");
    await screen.findByText("req-1");
    await user.click(within(screen.getByRole("navigation", { name: "Audit log pages" })).getByRole("button", { name: "Next ›" }));
    expect(await screen.findByText("Loading the next page…")).toBeInTheDocument();
    expect(screen.getByText("req-1")).toBeInTheDocument(); // still the old rows, no flash
    expect(screen.getByRole("table")).toHaveAttribute("aria-busy", "true");
    await screen.findByText("req-51");
    expect(screen.queryByText("req-1")).not.toBeInTheDocument();
  });

  it("shows a broken chain with the first bad sequence number", async () => {
    setup("/audit", 10, {
      // Seq 8 is missing: the 8th event read carries seq 9.
      verify: { ok: false, events: 8, head_hash: HASH(7), first_bad_seq: 9, reason: "sequence gap: expected 8" },
    });
    const alert = await screen.findByText(/Chain broken at event #9: sequence gap: expected 8/);
    expect(alert.closest("[role=alert]")).toBeInTheDocument();
    expect(screen.queryByText(/Chain verified/)).not.toBeInTheDocument();
  });

  it("re-verifies on request", async () => {
    let calls = 0;
    server.use(...sessionAs(users.auditor), ...auditHandlers(5));
    server.use(
      http.get(apiUrl("/audit/verify/"), () => {
        calls += 1;
        return HttpResponse.json(verified(calls === 1 ? 5 : 6));
      }),
    );
    const { user } = renderAt("/audit");
    await screen.findByText(/5 events, head hash/);
    await user.click(screen.getByRole("button", { name: "Re-verify" }));
    await screen.findByText(/6 events, head hash/);
    expect(calls).toBe(2);
    expect(screen.getByText(/^Checked /)).toBeInTheDocument();
  });

  it("puts the current filters on the export links", async () => {
    setup("/audit?action=model.promoted&project=demo-text&since=2026-11-01T00:00:00Z&offset=50", 120);
    await screen.findByText("req-51");
    const csv = new URL(screen.getByRole("link", { name: "Export CSV" }).getAttribute("href")!);
    const json = new URL(screen.getByRole("link", { name: "Export JSON" }).getAttribute("href")!);
    expect(csv.pathname).toBe("/api/v1/audit/events/export/");
    expect(Object.fromEntries(csv.searchParams)).toEqual({
      format: "csv",
      action: "model.promoted",
      project: "demo-text",
      since: "2026-11-01T00:00:00Z",
    });
    expect(json.searchParams.get("format")).toBe("json");
    expect(json.searchParams.get("action")).toBe("model.promoted");
    expect(screen.getByRole("link", { name: "Export CSV" })).toHaveAttribute("download");
  });

  it("shows the API's 400 detail for a bad date", async () => {
    server.use(...sessionAs(users.auditor), ...auditHandlers(5));
    server.use(
      http.get(apiUrl("/audit/events/"), ({ request }) => {
        const since = new URL(request.url).searchParams.get("since");
        return HttpResponse.json({ detail: `since: not an ISO 8601 date-time: '${since}'.` }, { status: 400 });
      }),
    );
    renderAt("/audit?since=yesterday");
    expect(await screen.findByText("since: not an ISO 8601 date-time: 'yesterday'.")).toHaveAttribute("role", "alert");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    // The export would be refused the same way: no download link until the filters are fixed.
    expect(screen.queryByRole("link", { name: "Export CSV" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export CSV" })).toBeDisabled();
  });

  it("says so when nothing matches", async () => {
    setup("/audit?actor=nobody", 0);
    expect(await screen.findByText("No events match these filters.")).toBeInTheDocument();
  });

  it("links model-version events to the version page and filters by a project from a row", async () => {
    const seen: Seen = [];
    server.use(...sessionAs(users.admin), ...auditHandlers(1, { seen }));
    server.use(
      http.get(apiUrl("/audit/events/"), ({ request }) => {
        seen.push({ url: new URL(request.url) });
        const results = [event(1, { action: "model.promoted", object_type: "training.modelversion", object_id: "4" })];
        return HttpResponse.json({ count: 1, next: null, previous: null, results });
      }),
    );
    const { user, router } = renderAt("/audit");
    const link = await screen.findByRole("link", { name: "training.modelversion #4" });
    expect(link).toHaveAttribute("href", "/projects/demo-text/versions/4");
    await user.click(screen.getByRole("button", { name: "demo-text" }));
    await waitFor(() => expect(router.state.location.search).toBe("?project=demo-text"));
    await waitFor(() => expect(seen.at(-1)!.url.searchParams.get("project")).toBe("demo-text"));
  });

  it("has no structural accessibility violations, details open and filters set", async () => {
    const { user, container } = setup("/audit?action=custom.thing&project=demo-text", 5);
    await screen.findByText("req-1");
    await user.click(screen.getByRole("button", { name: "Show details of event 1" }));
    // jsdom cannot lay out or paint: contrast is checked in Chromium by the end-to-end tests.
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  });

  it("is not shown to an annotator", async () => {
    server.use(...sessionAs(users.annotator));
    renderAt("/audit");
    expect(await screen.findByRole("heading", { name: "No access" })).toBeInTheDocument();
  });
});
