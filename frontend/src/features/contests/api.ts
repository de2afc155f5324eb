// Contests (GDPR Art. 21, 22(3)): the project's contests and a reviewer's decision on one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type Contest = components["schemas"]["ContestOutput"];
export type ContestFilter = "open" | "decided" | "all";

export const contestKeys = {
  all: (slug: string) => ["contests", slug] as const,
  list: (slug: string, status: ContestFilter) => ["contests", slug, status] as const,
};

export function useContests(slug: string, status: ContestFilter) {
  return useQuery({
    queryKey: contestKeys.list(slug, status),
    queryFn: () => unwrap(api.GET("/api/v1/projects/{slug}/contests/", { params: { path: { slug }, query: { status } } })),
  });
}

/** A decision: a label (text), corrected boxes (detection), or neither (detection: the model's boxes kept). */
export type Decision = { id: number; note: string; label?: string; boxes?: AnswerBox[] };
export type AnswerBox = { label: string; x: number; y: number; w: number; h: number };

export function useDecideContest(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, label, boxes, note }: Decision) =>
      unwrap(
        api.POST("/api/v1/contests/{contest_id}/decide/", {
          params: { path: { contest_id: id } },
          body: { note, ...(label === undefined ? {} : { label }), ...(boxes === undefined ? {} : { boxes }) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: contestKeys.all(slug) }),
  });
}

export function useItemText(itemId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["items", itemId],
    queryFn: () => unwrap(api.GET("/api/v1/items/{item_id}/", { params: { path: { item_id: itemId } } })),
    staleTime: Infinity,
    enabled,
    select: (item) => item.text,
  });
}

export const itemImageUrl = (itemId: number) => `/api/v1/items/${itemId}/image/`;
