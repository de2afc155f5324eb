// Reads of a project's model versions and learning curve, and the three actions on them
// (promote, reject, roll back). Each action refreshes what it changes: versions, project, queue.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { api, apiFetch, unwrap } from "@/lib/api/client";
import { projectKeys } from "@/lib/project";

import type { LearningCurve, ModelVersion, Page } from "./types";

export const versionKeys = {
  all: (slug: string) => ["model-versions", slug] as const,
  list: (slug: string) => ["model-versions", slug, "all"] as const,
  learningCurve: (slug: string) => ["model-versions", slug, "learning-curve"] as const,
};

const PAGE = 100;

/** Every version of a project, newest first. There is no single-version GET, and a project has
 *  tens of versions, so the pages are walked once and shared by the list, chart and detail pages. */
export async function fetchAllModelVersions(slug: string): Promise<ModelVersion[]> {
  const versions: ModelVersion[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = (await unwrap(
      api.GET("/api/v1/projects/{slug}/model-versions/", { params: { path: { slug }, query: { limit: PAGE, offset } } }),
    )) as unknown as Page<ModelVersion>;
    versions.push(...page.results);
    if (!page.next || page.results.length === 0 || versions.length >= page.count) return versions;
  }
}

export function useModelVersions(slug: string) {
  return useQuery({ queryKey: versionKeys.list(slug), queryFn: () => fetchAllModelVersions(slug) });
}

export function useLearningCurve(slug: string) {
  return useQuery({
    queryKey: versionKeys.learningCurve(slug),
    queryFn: async () =>
      (await unwrap(api.GET("/api/v1/projects/{slug}/learning-curve/", { params: { path: { slug } } }))) as unknown as LearningCurve,
  });
}

/** What a promotion, rejection or rollback changes: the versions, the project (its champion) and
 *  the queue (rescored by the new champion). Queue keys belong to the annotate feature, so they
 *  are matched by name. */
export function invalidateAfterModelChange(client: QueryClient, slug: string) {
  return Promise.all([
    client.invalidateQueries({ queryKey: versionKeys.all(slug) }),
    client.invalidateQueries({ queryKey: projectKeys.all }),
    client.invalidateQueries({
      predicate: (query) => query.queryKey.some((part) => typeof part === "string" && part.includes("queue")),
    }),
  ]);
}

type Action =
  | { kind: "promote"; versionId: number; reason: string }
  | { kind: "reject"; versionId: number; reason: string }
  | { kind: "rollback"; reason: string };

async function runAction(slug: string, action: Action): Promise<ModelVersion> {
  const body = { reason: action.reason };
  switch (action.kind) {
    case "promote":
      return (await unwrap(
        api.POST("/api/v1/model-versions/{version_id}/promote/", {
          params: { path: { version_id: action.versionId } },
          body,
        }),
      )) as unknown as ModelVersion;
    case "rollback":
      return (await unwrap(
        api.POST("/api/v1/projects/{slug}/rollback/", { params: { path: { slug } }, body }),
      )) as unknown as ModelVersion;
    case "reject":
      return (await unwrap(
        api.POST("/api/v1/model-versions/{version_id}/reject/", {
          params: { path: { version_id: action.versionId } },
          body,
        }),
      )) as unknown as ModelVersion;
  }
}

export function useModelAction(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: Action) => runAction(slug, action),
    onSuccess: () => invalidateAfterModelChange(client, slug),
  });
}

/** Downloads a version's model card (md or json) as a file. */
export async function downloadModelCard(versionId: number, format: "md" | "json"): Promise<void> {
  const response = await apiFetch(`/model-versions/${versionId}/model-card/?format=${format}`);
  const blob = await response.blob();
  const name =
    /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ??
    `model-card-${versionId}.${format}`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
