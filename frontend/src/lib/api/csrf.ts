// Django's CSRF token lives in the `csrftoken` cookie (readable by scripts by design); unsafe
// requests made with the session cookie must echo it in X-CSRFToken.
export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
