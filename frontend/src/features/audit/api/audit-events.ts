// GET /audit/events/: one server-side page of the audit log, in seq order, filtered.
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

import type { AuditView } from "../filters";

export type AuditEvent = components["schemas"]["AuditEventOutput"];
export type AuditEventPage = components["schemas"]["PaginatedAuditEventOutputList"];

export const auditKeys = {
  all: ["audit"] as const,
  events: (view: AuditView) => ["audit", "events", view] as const,
  verify: ["audit", "verify"] as const,
};

export function fetchAuditEvents(view: AuditView): Promise<AuditEventPage> {
  const { action, actor, project, since, until, limit, offset } = view;
  // Empty filters are left out: the API would read `?since=` as a date to parse.
  const query = Object.fromEntries(
    Object.entries({ action, actor, project, since, until }).filter(([, value]) => value !== ""),
  );
  return unwrap(api.GET("/api/v1/audit/events/", { params: { query: { ...query, limit, offset } } }));
}

/** The page for `view`; while the next page loads, the previous one stays on screen. */
export function useAuditEvents(view: AuditView) {
  return useQuery({
    queryKey: auditKeys.events(view),
    queryFn: () => fetchAuditEvents(view),
    placeholderData: keepPreviousData,
  });
}
