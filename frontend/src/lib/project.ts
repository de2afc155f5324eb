// Project reads shared by every feature: the list (with champion and queue counts) and one project.
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type Project = components["schemas"]["ProjectOutput"];

export const projectKeys = {
  all: ["projects"] as const,
  one: (slug: string) => ["projects", slug] as const,
};

export function useProjects() {
  return useQuery({ queryKey: projectKeys.all, queryFn: () => unwrap(api.GET("/api/v1/projects/")) });
}

export function useProject(slug: string) {
  return useQuery({
    queryKey: projectKeys.one(slug),
    queryFn: () => unwrap(api.GET("/api/v1/projects/{slug}/", { params: { path: { slug } } })),
  });
}

/** The :slug of the current project route. */
export function useProjectSlug(): string {
  const { slug } = useParams();
  if (!slug) throw new Error("useProjectSlug outside a project route");
  return slug;
}
