// POST /projects/{slug}/import/ (multipart format + file): whole datasets in standard formats.
import { uploadForm, type UploadOptions } from "@/lib/api/upload";

import type { ImportResult } from "./import-items";

export function importProjectFile(
  slug: string,
  format: string,
  file: File,
  options?: UploadOptions,
): Promise<ImportResult> {
  const form = new FormData();
  form.append("format", format);
  form.append("file", file, file.name);
  return uploadForm<ImportResult>(`/projects/${encodeURIComponent(slug)}/import/`, form, options);
}
