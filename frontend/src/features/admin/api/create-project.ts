// POST /projects/ (ml_engineer, admin): the creator becomes a member.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { paths } from "@/lib/api/schema";
import { projectKeys } from "@/lib/project";

export type ProjectCreate = NonNullable<paths["/api/v1/projects/"]["post"]["requestBody"]>["content"]["application/json"];

export function useCreateProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProjectCreate) => unwrap(api.POST("/api/v1/projects/", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectKeys.all }),
  });
}
