// Training runs: the recent list, one run followed live while it is queued or running, and starting one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, apiFetch, unwrap } from "@/lib/api/client";

import { isActive, type Page, type TrainingRun } from "./types";

export const POLL_MS = 1000;

export const trainingKeys = {
  all: (slug: string) => ["training-runs", slug] as const,
  list: (slug: string, offset: number, limit: number) => ["training-runs", slug, "list", offset, limit] as const,
  one: (id: number) => ["training-run", id] as const,
};

// The list is paginated with limit/offset; the generated schema does not describe its query
// parameters yet, so it is read through apiFetch with the documented response shape.
export function useTrainingRuns(slug: string, offset: number, limit: number) {
  return useQuery({
    queryKey: trainingKeys.list(slug, offset, limit),
    queryFn: async () =>
      (await (
        await apiFetch(`/projects/${encodeURIComponent(slug)}/training-runs/?limit=${limit}&offset=${offset}`)
      ).json()) as Page<TrainingRun>,
    // A run started elsewhere (the feedback threshold, another engineer) shows up; faster while one runs.
    refetchInterval: (query) => (query.state.data?.results.some(isActive) ? 5000 : 30_000),
  });
}

/** One run, polled every second while it is queued or running, and not at all once it is done. */
export function useTrainingRun(id: number | null) {
  return useQuery({
    queryKey: trainingKeys.one(id ?? 0),
    queryFn: async () =>
      (await unwrap(api.GET("/api/v1/training-runs/{run_id}/", { params: { path: { run_id: id! } } }))) as unknown as TrainingRun,
    enabled: id != null,
    refetchInterval: (query) =>
      query.state.status !== "error" && (query.state.data === undefined || isActive(query.state.data)) ? POLL_MS : false,
    staleTime: 0,
  });
}

export function useStartTrainingRun(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (params: Record<string, number | string>) => {
      const body = Object.keys(params).length ? JSON.stringify({ params }) : undefined;
      const response = await apiFetch(`/projects/${encodeURIComponent(slug)}/training-runs/`, {
        method: "POST",
        headers: body ? { "Content-Type": "application/json" } : undefined,
        body,
      });
      return (await response.json()) as TrainingRun;
    },
    onSuccess: (run) => {
      client.setQueryData(trainingKeys.one(run.id), run);
      return client.invalidateQueries({ queryKey: trainingKeys.all(slug) });
    },
  });
}
