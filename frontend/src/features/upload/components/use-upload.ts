// One upload at a time with progress, cancel and the outcome: the state every upload form needs.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { isAbortError, type UploadOptions } from "@/lib/api/upload";
import { projectKeys } from "@/lib/project";

import type { ImportResult } from "../api/import-items";

type State =
  | { phase: "idle" }
  | { phase: "sending"; loaded: number; total: number }
  | { phase: "done"; result: ImportResult; fileName: string }
  | { phase: "failed"; error: unknown; fileName: string }
  | { phase: "cancelled" };

export function useUpload() {
  const queryClient = useQueryClient();
  const [state, setState] = useState<State>({ phase: "idle" });
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    async (fileName: string, send: (options: UploadOptions) => Promise<ImportResult>) => {
      controller.current = new AbortController();
      setState({ phase: "sending", loaded: 0, total: 1 });
      try {
        const result = await send({
          signal: controller.current.signal,
          onProgress: ({ loaded, total }) => setState({ phase: "sending", loaded, total }),
        });
        setState({ phase: "done", result, fileName });
        // New items change the queue counts shown with the project.
        void queryClient.invalidateQueries({ queryKey: projectKeys.all });
      } catch (error) {
        setState(isAbortError(error) ? { phase: "cancelled" } : { phase: "failed", error, fileName });
      } finally {
        controller.current = null;
      }
    },
    [queryClient],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: "idle" }), []);
  return { state, start, cancel, reset };
}
