// GET /projects/{slug}/reviews/?status=…: the second-review queue, oldest first, paginated.
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";

import { toEntry, type ReviewStatus } from "./types";

export const reviewKeys = {
  all: (slug: string) => ["reviews", slug] as const,
  list: (slug: string, status: ReviewStatus, offset: number, limit: number) =>
    ["reviews", slug, status, offset, limit] as const,
};

export async function fetchReviews(slug: string, status: ReviewStatus, offset: number, limit: number) {
  const page = await unwrap(
    api.GET("/api/v1/projects/{slug}/reviews/", { params: { path: { slug }, query: { status, offset, limit } } }),
  );
  return { count: page.count, results: page.results.map(toEntry) };
}

export function useReviews(slug: string, status: ReviewStatus, offset: number, limit: number) {
  return useQuery({
    queryKey: reviewKeys.list(slug, status, offset, limit),
    queryFn: () => fetchReviews(slug, status, offset, limit),
    placeholderData: keepPreviousData,
  });
}

export const itemImageUrl = (itemId: number) => `/api/v1/items/${itemId}/image/`;
