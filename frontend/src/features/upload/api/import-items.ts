// POST /projects/{slug}/items/ as multipart: a CSV/JSONL file of texts, or a batch of images.
import { uploadForm, type UploadOptions } from "@/lib/api/upload";

/** The API's summary of an import (the same for /items/ and /import/). */
export type ImportResult = {
  created: number;
  duplicates: number;
  labelled: number;
  holdout: number;
  /** Images: the item id of each uploaded file, in order. */
  items?: number[];
};

const itemsPath = (slug: string) => `/projects/${encodeURIComponent(slug)}/items/`;

export function uploadTextFile(slug: string, file: File, options?: UploadOptions): Promise<ImportResult> {
  const form = new FormData();
  form.append("file", file, file.name);
  return uploadForm<ImportResult>(itemsPath(slug), form, options);
}

export type ImageBatch = {
  files: File[];
  /** File name → boxes, only for files of this batch (the API refuses names it did not receive). */
  boxes: Record<string, unknown[]> | null;
  split: "pool" | "holdout";
  subjectRef: string;
};

export function uploadImageBatch(slug: string, batch: ImageBatch, options?: UploadOptions): Promise<ImportResult> {
  const form = new FormData();
  for (const file of batch.files) form.append("files", file, file.name);
  if (batch.boxes && Object.keys(batch.boxes).length > 0) form.append("boxes", JSON.stringify(batch.boxes));
  form.append("split", batch.split);
  if (batch.subjectRef.trim()) form.append("subject_ref", batch.subjectRef.trim());
  return uploadForm<ImportResult>(itemsPath(slug), form, options);
}
