// GET /audit/verify/: walks the whole hash chain. That is a full read of the log, so it runs once per
// visit and again only when the auditor asks (no refetch on focus or remount).
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

import { auditKeys } from "./audit-events";

export type ChainReport = components["schemas"]["AuditVerifyOutput"];

export function fetchChainReport(): Promise<ChainReport> {
  return unwrap(api.GET("/api/v1/audit/verify/"));
}

export function useChainReport() {
  return useQuery({
    queryKey: auditKeys.verify,
    queryFn: fetchChainReport,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}
