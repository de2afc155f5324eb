// The audit page's state lives in the URL (?action=&actor=&project=&since=&until=&limit=&offset=), so a
// filtered view can be shared and the back button walks through earlier filters and pages.
// since/until are kept in the URL exactly as sent to the API (ISO 8601 with a time zone).

export type AuditFilters = {
  action: string;
  actor: string;
  project: string;
  since: string;
  until: string;
};

export const FILTER_KEYS = ["action", "actor", "project", "since", "until"] as const;
export const PAGE_SIZES = [50, 100] as const;
export const DEFAULT_LIMIT = 50;

/** The actions the backend records (docs/api.md, "Audit"), grouped; anything else can be typed. */
export const KNOWN_ACTIONS: { group: string; actions: string[] }[] = [
  {
    group: "Sign-in",
    actions: ["auth.login", "auth.login_failed", "auth.throttled", "auth.logout", "auth.tokens_revoked", "auth.token_revoked"],
  },
  { group: "Accounts", actions: ["accounts.user_created", "accounts.roles_changed"] },
  {
    group: "Projects",
    actions: ["project.created", "project.updated", "project.member_added", "project.member_removed", "project.exported"],
  },
  {
    group: "Data and feedback",
    actions: ["items.imported", "predictions.created", "predictions.batch_requested", "feedback.submitted", "feedback.reviewed"],
  },
  { group: "Queue scoring", actions: ["queue.scoring_requested", "queue.scoring_finished", "queue.scoring_failed"] },
  { group: "Training", actions: ["training.requested", "training.finished", "training.failed"] },
  { group: "Models", actions: ["model.gate_decided", "model.promoted", "model.rejected", "model.rolled_back"] },
  { group: "Audit", actions: ["audit.exported"] },
];

export const ALL_KNOWN_ACTIONS = new Set(KNOWN_ACTIONS.flatMap((g) => g.actions));

export type AuditView = AuditFilters & { limit: number; offset: number };

function nonNegativeInt(value: string | null, fallback: number): number {
  if (value == null || !/^\d+$/.test(value)) return fallback;
  return Number(value);
}

export function readView(params: URLSearchParams): AuditView {
  const limitParam = nonNegativeInt(params.get("limit"), DEFAULT_LIMIT);
  const limit = (PAGE_SIZES as readonly number[]).includes(limitParam) ? limitParam : DEFAULT_LIMIT;
  return {
    action: params.get("action")?.trim() ?? "",
    actor: params.get("actor")?.trim() ?? "",
    project: params.get("project")?.trim() ?? "",
    since: params.get("since")?.trim() ?? "",
    until: params.get("until")?.trim() ?? "",
    limit,
    offset: nonNegativeInt(params.get("offset"), 0),
  };
}

/** The non-empty filters, in a fixed order: query string for the API, the export and the page URL. */
export function filterParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  return params;
}

/** The page URL's query string: filters, then page size and offset when they are not the defaults. */
export function viewSearch(view: AuditView): URLSearchParams {
  const params = filterParams(view);
  if (view.limit !== DEFAULT_LIMIT) params.set("limit", String(view.limit));
  if (view.offset > 0) params.set("offset", String(view.offset));
  return params;
}

export function hasFilters(filters: AuditFilters): boolean {
  return FILTER_KEYS.some((key) => filters[key] !== "");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO 8601 instant as the value of a <input type="datetime-local"> in the browser's time zone. */
export function isoToLocalInput(iso: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/**
 * A datetime-local value (local wall-clock time, minute precision) as an ISO 8601 UTC instant.
 * `endOfMinute` makes "until 11:48" include events during 11:48 (the API's bounds are inclusive).
 */
export function localInputToIso(value: string, { endOfMinute = false } = {}): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  if (endOfMinute) date.setSeconds(59, 999);
  const iso = date.toISOString();
  return endOfMinute ? iso : iso.replace(/\.000Z$/, "Z");
}
