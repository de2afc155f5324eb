// Client-side checks that mirror the API's limits, so a user learns before sending, not after.

/** The API takes at most 100 files per multipart request (Django's DATA_UPLOAD_MAX_NUMBER_FILES). */
export const MAX_FILES_PER_REQUEST = 100;
/** IMAGE_MAX_BYTES and IMPORT_MAX_BYTES default to 20 MiB. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function tooLarge(file: File): string | null {
  return file.size > MAX_FILE_BYTES
    ? `${formatBytes(file.size)} is over the ${formatBytes(MAX_FILE_BYTES)} limit; it would be refused.`
    : null;
}

export function chunk<T>(items: T[], size = MAX_FILES_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/**
 * The file an image-upload error names: the API starts its message with the file name
 * ("x.gif: GIF images are not supported…", "a.png box 0: unknown label…"). Longest match wins.
 */
export function fileNamedIn(detail: string, names: string[]): string | null {
  let best: string | null = null;
  for (const name of names) {
    if ((detail.startsWith(`${name}:`) || detail.startsWith(`${name} box `)) && (!best || name.length > best.length)) {
      best = name;
    }
  }
  return best;
}

/** A boxes import file: a JSON object, file name → list of boxes (the API's `boxes` part). */
export function parseBoxesFile(text: string): { boxes: Record<string, unknown[]> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { error: "must be a JSON object: file name → list of boxes." };
  }
  const boxes: Record<string, unknown[]> = {};
  for (const [name, list] of Object.entries(value)) {
    if (!Array.isArray(list)) return { error: `the boxes of ${name} must be a list ([] means nothing is here).` };
    boxes[name] = list;
  }
  return { boxes };
}
