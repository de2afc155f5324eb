import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { page, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

configure({ asyncUtilTimeout: 3000 });

const request = (id: number, overrides: object = {}) => ({
  id,
  kind: "access",
  status: "ready",
  subject_hash: "9f2c4e1ab3d4e5f60718293a4b5c6d7e",
  subject_user: null,
  requested_by: "privacy",
  result: { items: 3, predictions: 5 },
  archive_sha256: "ab".repeat(32),
  archive_bytes: 2048,
  created_at: "2026-11-30T09:00:00Z",
  downloaded_at: null,
  download_url: `/api/v1/privacy/requests/${id}/download/`,
  cleanups: [],
  ...overrides,
});

function serve(user: object = users.privacy) {
  const requests: ReturnType<typeof request>[] = [
    request(2, {
      kind: "erasure",
      status: "done",
      download_url: null,
      result: { items: 2, projects: { "demo-text": 2 }, item_ids: [11, 12] },
      cleanups: [{ kind: "object_storage", status: "done", attempts: 1, last_error: "", done_at: "2026-11-30T08:01:00Z" }],
    }),
    request(1, { status: "downloaded", download_url: null, downloaded_at: "2026-11-29T10:00:00Z" }),
  ];
  const posted: { path: string; body: unknown }[] = [];
  const file = (path: string, make: (body: Record<string, unknown>) => object) =>
    http.post(apiUrl(path), async ({ request: req }) => {
      const body = (await req.json()) as Record<string, unknown>;
      if (body.subject_ref === "nobody") {
        return HttpResponse.json({ detail: "No items carry this subject_ref (never imported, or already erased)." }, { status: 404 });
      }
      posted.push({ path, body });
      const created = make(body);
      if ("kind" in created) requests.unshift(created as ReturnType<typeof request>);
      return HttpResponse.json(created, { status: path.includes("rectify") ? 200 : 201 });
    });
  server.use(
    ...sessionHandlers(user, []),
    http.get(apiUrl("/privacy/requests/"), ({ request: req }) => {
      const kind = new URL(req.url).searchParams.get("kind");
      const found = kind ? requests.filter((r) => r.kind === kind) : requests;
      return HttpResponse.json(page(found));
    }),
    file("/privacy/access/", () => request(3)),
    file("/privacy/erasures/", () => request(4, { kind: "erasure", status: "done", download_url: null, result: { items: 1 } })),
    file("/privacy/restrictions/", () => request(5, { kind: "restriction", status: "done", download_url: null, result: { items: 1 } })),
    file("/privacy/items/:id/rectify/", () => ({ id: 42, content_hash: "c0ffee".repeat(10) })),
  );
  return { posted, requests };
}

describe("privacy requests page (GDPR Art. 15-18, 20)", () => {
  it("lists the requests with status and result, and files an access request whose archive downloads once", async () => {
    const { posted } = serve();
    const { user } = renderAt("/privacy");
    expect(await screen.findByRole("link", { name: "Privacy requests" })).toBeInTheDocument();

    const table = await screen.findByRole("table", { name: "Subject requests, newest first" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows[0]).toHaveTextContent("erasure");
    expect(rows[0]).toHaveTextContent("items: 2 · projects: 1 · item ids: 2");
    expect(rows[0]).toHaveTextContent("object storage: done");
    expect(rows[1]).toHaveTextContent("downloaded");

    await user.type(screen.getByLabelText("Subject reference"), "cust-0042");
    await user.click(screen.getByRole("button", { name: "File the request" }));
    await waitFor(() => expect(posted).toEqual([{ path: "/privacy/access/", body: { subject_ref: "cust-0042" } }]));
    const outcome = await screen.findByText(/Request #3 \(access\): ready\./);
    const link = within(outcome.closest(".alert") as HTMLElement).getByRole("link", { name: "Download the archive (once)" });
    expect(link).toHaveAttribute("href", `${window.location.origin}/api/v1/privacy/requests/3/download/`);
    // The new request is listed too.
    await waitFor(() => expect(within(screen.getByRole("table")).getAllByRole("row")).toHaveLength(4));
  });

  it("asks before an erasure, and shows the API's 404 for an unknown subject", async () => {
    const { posted } = serve();
    const { user } = renderAt("/privacy");
    await user.selectOptions(await screen.findByLabelText("Request"), "erasure");
    expect(screen.getByText(/Cannot be undone/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Subject reference"), "nobody");
    await user.click(screen.getByRole("button", { name: "File the request" }));
    const dialog = screen.getByRole("dialog", { name: "Erase this subject everywhere?" });
    await user.click(within(dialog).getByRole("button", { name: "Erase" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("No items carry this subject_ref");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));

    await user.clear(screen.getByLabelText("Subject reference"));
    await user.type(screen.getByLabelText("Subject reference"), "cust-7");
    await user.click(screen.getByRole("button", { name: "File the request" }));
    await user.click(within(screen.getByRole("dialog", { name: "Erase this subject everywhere?" })).getByRole("button", { name: "Erase" }));
    await waitFor(() => expect(posted).toEqual([{ path: "/privacy/erasures/", body: { subject_ref: "cust-7" } }]));
    expect(await screen.findByText(/Request #4 \(erasure\): done\./)).toBeInTheDocument();
  });

  it("files a rectification by item id and a restriction, and filters the list by kind", async () => {
    const { posted } = serve(users.admin);
    const { user, router } = renderAt("/privacy");
    await user.selectOptions(await screen.findByLabelText("Request"), "rectification");
    await user.type(screen.getByLabelText("Item id"), "42");
    await user.type(screen.getByLabelText("Corrected text"), "My parcel never arrived");
    await user.click(screen.getByRole("button", { name: "File the request" }));
    expect(await screen.findByText(/Item #42 corrected/)).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Request"), "restriction");
    await user.type(screen.getByLabelText("Subject reference"), "cust-9");
    await user.click(screen.getByRole("button", { name: "File the request" }));
    await waitFor(() =>
      expect(posted).toEqual([
        { path: "/privacy/items/:id/rectify/", body: { text: "My parcel never arrived" } },
        { path: "/privacy/restrictions/", body: { subject_ref: "cust-9" } },
      ]),
    );

    await user.selectOptions(screen.getByLabelText("Kind"), "erasure");
    expect(router.state.location.search).toBe("?kind=erasure");
    await waitFor(() => expect(within(screen.getByRole("table")).getAllByRole("row")).toHaveLength(2));
  });

  it("is not for annotators", async () => {
    serve(users.annotator);
    renderAt("/privacy");
    expect(await screen.findByRole("heading", { name: "No access" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Privacy requests" })).not.toBeInTheDocument();
  });
});
