// Before the first model: GET /projects/{slug}/queue/cold-start/ (the pool texts no model has scored, in coverage
// order) and POST /projects/{slug}/items/{item_id}/label/ (a first label for one of them).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type ColdStartEntry = components["schemas"]["ColdStartEntryOutput"];
export type ColdStartPage = { count: number; next: string | null; results: ColdStartEntry[] };
export type FirstLabel = components["schemas"]["FirstLabelOutput"];

export const FIRST_LABELS_PAGE = 20;

export const coldStartKeys = {
  all: (slug: string) => ["cold-start", slug] as const,
  page: (slug: string, offset: number) => ["cold-start", slug, offset] as const,
};

export async function fetchColdStartPage(slug: string, offset: number, limit = FIRST_LABELS_PAGE): Promise<ColdStartPage> {
  const page = await unwrap(
    api.GET("/api/v1/projects/{slug}/queue/cold-start/", { params: { path: { slug }, query: { limit, offset } } }),
  );
  return { count: page.count, next: page.next ?? null, results: page.results };
}

export function useColdStartPage(slug: string, offset: number, enabled: boolean) {
  return useQuery({
    queryKey: coldStartKeys.page(slug, offset),
    queryFn: () => fetchColdStartPage(slug, offset),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function postFirstLabel(slug: string, itemId: number, label: string): Promise<FirstLabel> {
  return unwrap(
    api.POST("/api/v1/projects/{slug}/items/{item_id}/label/", {
      params: { path: { slug, item_id: itemId } },
      body: { label },
    }),
  );
}

/**
 * Labels one text. On success the text leaves the page at once (the server no longer lists it) and the page is
 * refetched so the next text fills the gap; the other pages are refetched when next shown, since every later
 * offset moved up by one.
 */
export function useFirstLabel(slug: string, offset: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ itemId, label }: { itemId: number; label: string }) => postFirstLabel(slug, itemId, label),
    onSuccess: (_saved, { itemId }) => {
      client.setQueryData<ColdStartPage>(coldStartKeys.page(slug, offset), (page) =>
        page && { ...page, count: page.count - 1, results: page.results.filter((e) => e.item_id !== itemId) },
      );
      client.removeQueries({
        queryKey: coldStartKeys.all(slug),
        predicate: (query) => query.queryKey[2] !== offset,
      });
      void client.invalidateQueries({ queryKey: coldStartKeys.page(slug, offset) });
    },
  });
}
