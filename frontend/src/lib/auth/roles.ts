// Mirrors backend/apps/accounts/roles.py. Only decides what the app shows: the API stays the judge.
export type Role = "annotator" | "reviewer" | "ml_engineer" | "auditor" | "privacy_officer" | "admin";

const ANY: Role[] = ["annotator", "reviewer", "ml_engineer", "auditor", "privacy_officer", "admin"];

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
  // AI Act Art. 14: stop and start a project's model (the API's CAN_TRAIN).
  stopModel: ["ml_engineer", "admin"],
  // AI Act Art. 72: the monitoring series and flags (the API's CAN_MONITOR).
  monitor: ["auditor", "ml_engineer", "admin"],
  // GDPR Art. 21/22(3): contest a prediction (CAN_PREDICT plus privacy officers); reviewers decide.
  contest: ["annotator", "reviewer", "ml_engineer", "privacy_officer", "admin"],
  readContests: ["reviewer", "auditor", "ml_engineer", "privacy_officer", "admin"],
  // GDPR Art. 15–18: data-subject requests (CAN_HANDLE_SUBJECT_RIGHTS).
  handleSubjectRights: ["privacy_officer", "admin"],
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
  privacy_officer: "Privacy officer",
  admin: "Admin",
};
