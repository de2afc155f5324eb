// DRF's invalid-body answer is a map {field: [messages]} (list fields may nest {index: [messages]});
// forms show each field's messages next to that field.
export type FieldErrors = Record<string, string[]>;

function messagesIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(messagesIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(messagesIn);
  return [];
}

/** The per-field messages of an API error body; `detail` and `non_field_errors` are not fields. */
export function fieldErrorsOf(body: unknown): FieldErrors {
  if (!body || typeof body !== "object" || Array.isArray(body)) return {};
  const errors: FieldErrors = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === "detail" || field === "non_field_errors" || field === "errors") continue;
    const messages = messagesIn(value);
    if (messages.length) errors[field] = messages;
  }
  return errors;
}
