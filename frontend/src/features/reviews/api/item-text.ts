// GET /items/{id}/: the text of a text item under review.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";

export function useItemText(itemId: number) {
  return useQuery({
    queryKey: ["items", itemId],
    queryFn: () => unwrap(api.GET("/api/v1/items/{item_id}/", { params: { path: { item_id: itemId } } })),
    staleTime: Infinity,
    select: (item) => item.text,
  });
}
