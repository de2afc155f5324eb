// Multipart uploads with progress. fetch() cannot report upload progress, XMLHttpRequest can; this
// is the one place the app uses it. Same session, CSRF header and error type as the rest of the client.
import { API_BASE } from "./client";
import { csrfToken } from "./csrf";
import { ApiError } from "./errors";

export type UploadProgress = { loaded: number; total: number };

export type UploadOptions = {
  method?: "POST" | "PUT" | "PATCH";
  /** Called as the request body goes out (bytes of the whole multipart body). */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting rejects with a DOMException named "AbortError". */
  signal?: AbortSignal;
};

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // Django's HTML pages (e.g. too many files) stay text; describeError copes.
  }
}

/**
 * Sends `form` to `path` (WITHOUT the /api/v1 prefix, like apiFetch) and resolves with the JSON body,
 * or rejects with an ApiError carrying the API's `detail` and per-row `errors`.
 */
export function uploadForm<T>(path: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  const { method = "POST", onProgress, signal } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException("The upload was cancelled.", "AbortError"));
      return;
    }
    const xhr = new XMLHttpRequest();
    // Same origin, so the session cookie goes along (withCredentials stays false: no cross-site cookies).
    xhr.open(method, `${API_BASE}${path}`);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    if (onProgress) {
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
      };
    }
    // Settle once: aborting rejects at once, whether or not the XHR still fires its abort event.
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      outcome();
    };
    const cancelled = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    const onAbort = () => {
      xhr.abort();
      settle(cancelled);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.onload = () =>
      settle(() => {
        const body = parseBody(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
        else reject(new ApiError(xhr.status, body));
      });
    xhr.onerror = () =>
      settle(() => reject(new ApiError(0, { detail: "The upload failed: the server could not be reached." })));
    xhr.onabort = () => settle(cancelled);
    xhr.send(form);
  });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
