import { describe, expect, it } from "vitest";

import { isoToLocalInput, localInputToIso, readView, viewSearch } from "./filters";

describe("audit filters", () => {
  it("turns a local datetime-local value into a UTC instant and back", () => {
    const iso = localInputToIso("2026-11-23T10:05");
    expect(iso).toBe(new Date(2026, 10, 23, 10, 5).toISOString().replace(".000Z", "Z"));
    expect(isoToLocalInput(iso)).toBe("2026-11-23T10:05");
  });

  it("makes 'until' include the whole chosen minute", () => {
    const iso = localInputToIso("2026-11-23T10:05", { endOfMinute: true });
    expect(new Date(iso).getTime() - new Date(2026, 10, 23, 10, 5).getTime()).toBe(59_999);
    expect(isoToLocalInput(iso)).toBe("2026-11-23T10:05");
  });

  it("leaves unparseable values empty in the form", () => {
    expect(isoToLocalInput("yesterday")).toBe("");
    expect(localInputToIso("")).toBe("");
  });

  it("reads page size and offset defensively and writes only what differs from the defaults", () => {
    const view = readView(new URLSearchParams("limit=5000&offset=-3&actor=%20bob%20"));
    expect(view).toMatchObject({ limit: 50, offset: 0, actor: "bob" });
    expect(viewSearch(view).toString()).toBe("actor=bob");
    expect(viewSearch({ ...view, limit: 100, offset: 200 }).toString()).toBe("actor=bob&limit=100&offset=200");
  });
});
