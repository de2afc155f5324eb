// GET /audit/events/export/?format=csv|json&<filters>: the filtered log as a file. The browser downloads
// it through a plain link (streamed, never held in memory here); the session cookie authorises it.
import { API_BASE } from "@/lib/api/client";

import { filterParams, type AuditFilters } from "../filters";

export type ExportFormat = "csv" | "json";

export function auditExportUrl(format: ExportFormat, filters: AuditFilters): string {
  const params = new URLSearchParams({ format });
  for (const [key, value] of filterParams(filters)) params.set(key, value);
  return `${API_BASE}/audit/events/export/?${params}`;
}
