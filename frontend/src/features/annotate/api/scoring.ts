// GET /projects/{slug}/queue/scoring/: the latest queue-scoring job, polled every 2 s only while it runs.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { paths } from "@/lib/api/schema";

type Latest = paths["/api/v1/projects/{slug}/queue/scoring/"]["get"]["responses"][200]["content"]["application/json"];
/** A queue-scoring job: {id, status, done, total, model_version, trigger, error, created_at, finished_at}. */
export type QueueScoring = NonNullable<Latest>;

const ACTIVE = new Set(["queued", "running"]);

export function isScoringActive(job: QueueScoring | null | undefined): boolean {
  return !!job && ACTIVE.has(job.status ?? "");
}

export const scoringKey = (slug: string) => ["projects", slug, "queue", "scoring"] as const;

export function useQueueScoring(slug: string) {
  return useQuery({
    queryKey: scoringKey(slug),
    queryFn: async (): Promise<QueueScoring | null> =>
      (await unwrap(api.GET("/api/v1/projects/{slug}/queue/scoring/", { params: { path: { slug } } }))) ?? null,
    refetchInterval: (query) => (isScoringActive(query.state.data) ? 2000 : false),
  });
}
