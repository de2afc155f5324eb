// Training runs: the recent list, one run followed live while it is queued or running, and starting one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";
import { projectKeys } from "@/lib/project";

import { isActive, type Page, type TrainingRun } from "./types";

type StartBody = components["schemas"]["TrainingRunStartInputRequest"];

export const POLL_MS = 1000;

export const trainingKeys = {
  all: (slug: string) => ["training-runs", slug] as const,
  list: (slug: string, offset: number, limit: number) => ["training-runs", slug, "list", offset, limit] as const,
  one: (id: number) => ["training-run", id] as const,
};

export function useTrainingRuns(slug: string, offset: number, limit: number) {
  return useQuery({
    queryKey: trainingKeys.list(slug, offset, limit),
    queryFn: async () =>
      (await unwrap(
        api.GET("/api/v1/projects/{slug}/training-runs/", { params: { path: { slug }, query: { limit, offset } } }),
      )) as unknown as Page<TrainingRun>,
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
      // No overrides, no body: the run trains with params.yaml as it is. Values that are not numbers are
      // sent as typed, so the API's 400 names the field.
      const body = Object.keys(params).length ? ({ params } as StartBody) : undefined;
      return (await unwrap(
        api.POST("/api/v1/projects/{slug}/training-runs/", { params: { path: { slug } }, body }),
      )) as unknown as TrainingRun;
    },
    onSuccess: (run) => {
      client.setQueryData(trainingKeys.one(run.id), run);
      return client.invalidateQueries({ queryKey: trainingKeys.all(slug) });
    },
  });
}

/** An admin's approval of a version outside the envelope of pre-determined changes (AI Act Annex IV 2(f)):
 *  POST /model-versions/{id}/promote/ with the reason. What it changed is read again. */
export function useApproveOutsideEnvelope(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ versionId, reason }: { versionId: number; reason: string }) =>
      unwrap(api.POST("/api/v1/model-versions/{version_id}/promote/", { params: { path: { version_id: versionId } }, body: { reason } })),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: trainingKeys.all(slug) }),
        client.invalidateQueries({ queryKey: ["training-run"] }),
        client.invalidateQueries({ queryKey: ["model-versions", slug] }),
        client.invalidateQueries({ queryKey: projectKeys.all }),
      ]),
  });
}
