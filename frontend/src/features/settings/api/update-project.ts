// PATCH /projects/{slug}/: policies, appended labels and the GDPR Art. 30 fields.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { paths } from "@/lib/api/schema";
import { projectKeys } from "@/lib/project";

// Taken from the operation, not a schema component's name (names change with the generator's settings).
export type ProjectPatch = NonNullable<
  paths["/api/v1/projects/{slug}/"]["patch"]["requestBody"]
>["content"]["application/json"];

export function useUpdateProject(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProjectPatch) =>
      unwrap(api.PATCH("/api/v1/projects/{slug}/", { params: { path: { slug } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectKeys.all }),
  });
}
