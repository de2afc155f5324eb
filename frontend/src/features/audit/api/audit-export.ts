// GET /audit/events/export/?format=csv|json&<filters>: the filtered log as a file. The browser downloads
// it through a plain link (streamed, never held in memory here); the session cookie authorises it.
import { API_BASE } from "@/lib/api/client";
import type { operations } from "@/lib/api/schema";

import type { AuditFilters } from "../filters";

type ExportQuery = operations["audit_events_export_retrieve"]["parameters"]["query"];
export type ExportFormat = ExportQuery["format"];

export function auditExportUrl(format: ExportFormat, filters: AuditFilters): string {
  // Typed against the schema: a renamed filter or format breaks the build, not the download.
  const query: ExportQuery = {
    format,
    action: filters.action || undefined,
    actor: filters.actor || undefined,
    project: filters.project || undefined,
    since: filters.since || undefined,
    until: filters.until || undefined,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  return `${API_BASE}/audit/events/export/?${params}`;
}
