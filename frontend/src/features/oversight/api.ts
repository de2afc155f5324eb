// Stop and start a project's model (AI Act Art. 14): POST /projects/{slug}/stop/ and /start/ with a reason.
// The project's own read (lib/project) carries the state, so both refresh it.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import { projectKeys } from "@/lib/project";

export function useStopStart(slug: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, reason }: { action: "stop" | "start"; reason: string }) =>
      unwrap(
        action === "stop"
          ? api.POST("/api/v1/projects/{slug}/stop/", { params: { path: { slug } }, body: { reason } })
          : api.POST("/api/v1/projects/{slug}/start/", { params: { path: { slug } }, body: { reason } }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: projectKeys.all }),
  });
}
