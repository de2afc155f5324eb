// The chosen images and their upload in batches of at most 100 files (the API's per-request limit).
// Each batch is all-or-nothing on the server; the first refused batch stops the run, and the files it
// names are marked. Files already stored are not sent again when the user retries.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { errorMessage } from "@/lib/api/errors";
import { isAbortError } from "@/lib/api/upload";
import { projectKeys } from "@/lib/project";

import { uploadImageBatch, type ImportResult } from "../api/import-items";
import { chunk, fileNamedIn, tooLarge } from "../limits";

export type ImageEntry = {
  key: string;
  file: File;
  preview: string | null;
  /** Found before sending: too large, or not an image. Such files block the upload until removed. */
  problem: string | null;
  status: "ready" | "stored" | "refused";
  /** The API's message when it named this file. */
  error: string | null;
};

export type BatchStatus = "waiting" | "sending" | "stored" | "refused" | "cancelled" | "not sent";
export type Batch = { index: number; count: number; status: BatchStatus; result?: ImportResult; error?: unknown };

export type RunOptions = { split: "pool" | "holdout"; subjectRef: string; boxes: Record<string, unknown[]> | null };

const IMAGE_NAME = /\.(jpe?g|png|webp|bmp|gif|tiff?|heic|avif)$/i;

function preview(file: File): string | null {
  // jsdom (tests) has no object URLs; browsers do.
  return typeof URL.createObjectURL === "function" ? URL.createObjectURL(file) : null;
}

function revoke(entry: ImageEntry) {
  if (entry.preview && typeof URL.revokeObjectURL === "function") URL.revokeObjectURL(entry.preview);
}

function problemOf(file: File): string | null {
  if (!file.type.startsWith("image/") && !IMAGE_NAME.test(file.name)) return "Not an image file; it would be refused.";
  return tooLarge(file);
}

export function useImageUpload(slug: string) {
  const queryClient = useQueryClient();
  const [entries, setEntries] = useState<ImageEntry[]>([]);
  const [skipped, setSkipped] = useState<string[]>([]);
  const [batches, setBatches] = useState<Batch[]>([]);
  const [progress, setProgress] = useState({ loaded: 0, total: 0 });
  const [running, setRunning] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const latest = useRef(entries);
  latest.current = entries;

  useEffect(
    () => () => {
      controller.current?.abort();
      latest.current.forEach(revoke);
    },
    [],
  );

  const add = useCallback((files: File[]) => {
    // Boxes are matched by file name, so two files of the same name cannot both be sent.
    const names = new Set(latest.current.map((e) => e.file.name));
    const duplicates: string[] = [];
    const added: ImageEntry[] = [];
    for (const file of files) {
      if (names.has(file.name)) {
        duplicates.push(file.name);
        continue;
      }
      names.add(file.name);
      const key = `${file.name}:${file.size}:${file.lastModified}`;
      added.push({ key, file, preview: preview(file), problem: problemOf(file), status: "ready", error: null });
    }
    setSkipped(duplicates);
    latest.current = [...latest.current, ...added];
    setEntries(latest.current);
  }, []);

  const removeWhere = useCallback((test: (entry: ImageEntry) => boolean) => {
    latest.current.filter(test).forEach(revoke);
    latest.current = latest.current.filter((e) => !test(e));
    setEntries(latest.current);
  }, []);

  const remove = useCallback((key: string) => removeWhere((e) => e.key === key), [removeWhere]);

  const clear = useCallback(() => {
    removeWhere(() => true);
    setBatches([]);
    setSkipped([]);
  }, [removeWhere]);

  const run = useCallback(
    async ({ split, subjectRef, boxes }: RunOptions) => {
      const toSend = latest.current.filter((e) => e.status !== "stored");
      if (toSend.length === 0 || toSend.some((e) => e.problem)) return;
      const groups = chunk(toSend);
      const totalBytes = toSend.reduce((sum, e) => sum + e.file.size, 0) || 1;
      let doneBytes = 0;
      const setBatch = (index: number, patch: Partial<Batch>) =>
        setBatches((current) => current.map((b) => (b.index === index ? { ...b, ...patch } : b)));
      const settle = (from: number, status: BatchStatus) =>
        setBatches((current) => current.map((b) => (b.index >= from ? { ...b, status } : b)));

      setEntries((current) => current.map((e) => (e.status === "refused" ? { ...e, status: "ready", error: null } : e)));
      setBatches(groups.map((group, index) => ({ index, count: group.length, status: "waiting" })));
      setProgress({ loaded: 0, total: totalBytes });
      setRunning(true);
      controller.current = new AbortController();
      const { signal } = controller.current;

      for (const [index, group] of groups.entries()) {
        const names = group.map((e) => e.file.name);
        const batchBytes = group.reduce((sum, e) => sum + e.file.size, 0);
        const batchBoxes = boxes ? Object.fromEntries(names.filter((n) => n in boxes).map((n) => [n, boxes[n]])) : null;
        setBatch(index, { status: "sending" });
        try {
          const result = await uploadImageBatch(
            slug,
            { files: group.map((e) => e.file), boxes: batchBoxes, split, subjectRef },
            {
              signal,
              onProgress: ({ loaded, total }) =>
                setProgress({ loaded: doneBytes + (total ? loaded / total : 0) * batchBytes, total: totalBytes }),
            },
          );
          doneBytes += batchBytes;
          setProgress({ loaded: doneBytes, total: totalBytes });
          setBatch(index, { status: "stored", result });
          const stored = new Set(group.map((e) => e.key));
          setEntries((current) => current.map((e) => (stored.has(e.key) ? { ...e, status: "stored", error: null } : e)));
        } catch (error) {
          if (isAbortError(error)) {
            settle(index, "cancelled");
          } else {
            setBatch(index, { status: "refused", error });
            settle(index + 1, "not sent");
            const named = fileNamedIn(errorMessage(error), names);
            if (named) {
              setEntries((current) =>
                current.map((e) => (e.file.name === named ? { ...e, status: "refused", error: errorMessage(error) } : e)),
              );
            }
          }
          break;
        }
      }
      controller.current = null;
      setRunning(false);
      void queryClient.invalidateQueries({ queryKey: projectKeys.all });
    },
    [slug, queryClient],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);

  return { entries, skipped, batches, progress, running, add, remove, removeWhere, clear, run, cancel };
}
