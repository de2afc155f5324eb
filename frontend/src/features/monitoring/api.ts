// Post-market monitoring (AI Act Art. 72; docs/monitoring.md): the series per model version, the flags,
// the thresholds, a check now, and the automation-bias indicators per annotator (Art. 14(4)(b)).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type Flag = components["schemas"]["FlagOutput"];
export type Policy = components["schemas"]["Policy"];
export type PolicyPatch = components["schemas"]["PatchedPolicyRequest"];
export type AnnotatorIndicator = components["schemas"]["AnnotatorIndicatorOutput"];

type Quantiles = { p10: number | null; p50: number | null; p90: number | null };
type Rates = {
  predictions: number;
  answers: number;
  corrections: number;
  correction_rate: number | null;
  disagreements: number;
  disagreement_rate: number | null;
};

export type DayMetrics = Rates & {
  date: string;
  confidence: Quantiles;
  label_shift: { p_value: number; tvd: number } | null;
  input_shift: { psi: number; p_value: number } | null;
};

export type WindowMetrics = Rates & {
  confidence: Quantiles & { histogram?: number[] };
  labels?: Record<string, number>;
  label_shift: { p_value: number; tvd: number; statistic?: number; dof?: number; n?: number } | null;
  input_shift: { psi: number; p_value: number; feature?: string } | null;
};

/** One version's entry in `versions` (the schema types it as a plain object: docs/monitoring.md gives its shape). */
export type VersionSeries = {
  id: number;
  number: number;
  status: string;
  dataset_version: number | null;
  reference: { feature: string; labels: Record<string, number> } | null;
  window: WindowMetrics;
  days: DayMetrics[];
};

export const monitoringKeys = {
  all: (slug: string) => ["monitoring", slug] as const,
  series: (slug: string, days: number | null) => ["monitoring", slug, "series", days] as const,
  annotators: (slug: string, days: number | null) => ["monitoring", slug, "annotators", days] as const,
};

export function useMonitoring(slug: string, days: number | null) {
  return useQuery({
    queryKey: monitoringKeys.series(slug, days),
    queryFn: async () => {
      const data = await unwrap(
        api.GET("/api/v1/projects/{slug}/monitoring/", { params: { path: { slug }, query: days ? { days } : {} } }),
      );
      return { ...data, versions: data.versions as unknown as VersionSeries[] };
    },
    placeholderData: keepPreviousData,
  });
}

export function useAnnotatorIndicators(slug: string, days: number | null) {
  return useQuery({
    queryKey: monitoringKeys.annotators(slug, days),
    queryFn: () =>
      unwrap(api.GET("/api/v1/projects/{slug}/monitoring/annotators/", { params: { path: { slug }, query: days ? { days } : {} } })),
    placeholderData: keepPreviousData,
  });
}

export function useMonitoringCheck(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/projects/{slug}/monitoring/check/", { params: { path: { slug } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: monitoringKeys.all(slug) }),
  });
}

/** PATCH the thresholds (ML engineers and admins; audited per change). The series and flags are read again. */
export function useUpdatePolicy(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PolicyPatch) =>
      unwrap(api.PATCH("/api/v1/projects/{slug}/monitoring/policy/", { params: { path: { slug } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: monitoringKeys.all(slug) }),
  });
}
