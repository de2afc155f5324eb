// GET /items/{id}/: an image's width and height, for queue entries that lack them.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";

export function useItemSize(itemId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["items", itemId],
    queryFn: () => unwrap(api.GET("/api/v1/items/{item_id}/", { params: { path: { item_id: itemId } } })),
    enabled,
    staleTime: Infinity,
    select: (item) => ({ width: item.width ?? null, height: item.height ?? null }),
  });
}

export const itemImageUrl = (itemId: number) => `/api/v1/items/${itemId}/image/`;
