// One error type for every failed API call, carrying the API's own words.

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(describeError(status, body));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  /** Per-row errors of an import (`errors: [{row, error}]`), when the API sent them. */
  get rowErrors(): { row: number; error: string }[] {
    const errors = (this.body as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) ? (errors as { row: number; error: string }[]) : [];
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: "The request was refused.",
  401: "Please log in.",
  403: "You may not do this.",
  404: "Not found.",
  409: "This conflicts with the current state.",
  413: "Too large.",
  500: "The server failed; the error is in its log.",
  502: "The server cannot be reached.",
  503: "The server is not ready.",
};

/** The API's `detail`, or DRF's field map flattened to "field: message", or a plain status text. */
export function describeError(status: number, body: unknown): string {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if (typeof record.detail === "string") return record.detail;
    const parts = Object.entries(record).flatMap(([field, value]) => {
      const messages = Array.isArray(value) ? value : [value];
      return messages
        .filter((m) => typeof m === "string" || typeof m === "number")
        .map((m) => (field === "non_field_errors" ? String(m) : `${field}: ${m}`));
    });
    if (parts.length) return parts.join(" ");
  }
  if (typeof body === "string" && body.trim() && !body.trimStart().startsWith("<")) return body.trim().slice(0, 300);
  return STATUS_TEXT[status] ?? `The request failed (HTTP ${status}).`;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
