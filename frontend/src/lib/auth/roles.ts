// Mirrors backend/apps/accounts/roles.py. Only decides what the app shows: the API stays the judge.
export type Role = "annotator" | "reviewer" | "ml_engineer" | "auditor" | "admin";

const ANY: Role[] = ["annotator", "reviewer", "ml_engineer", "auditor", "admin"];

export const PERMISSIONS = {
  read: ANY,
  predict: ["annotator", "reviewer", "ml_engineer", "admin"],
  giveFeedback: ["annotator", "reviewer", "admin"],
  readReviews: ["reviewer", "auditor", "admin"],
  review: ["reviewer", "admin"],
  importItems: ["ml_engineer", "admin"],
  train: ["ml_engineer", "admin"],
  promote: ["ml_engineer", "admin"],
  manageProjects: ["ml_engineer", "admin"],
  readAudit: ["auditor", "admin"],
  administer: ["admin"],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(roles: readonly string[], permission: Permission): boolean {
  return (PERMISSIONS[permission] as string[]).some((role) => roles.includes(role));
}

export const ROLE_NAMES: Record<string, string> = {
  annotator: "Annotator",
  reviewer: "Reviewer",
  ml_engineer: "ML engineer",
  auditor: "Auditor",
  admin: "Admin",
};
