"""Roles are Django groups with these names; this module is the one place that knows them."""
from enum import StrEnum


class Role(StrEnum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    ML_ENGINEER = "ml_engineer"
    AUDITOR = "auditor"
    PRIVACY_OFFICER = "privacy_officer"
    ADMIN = "admin"


ALL_ROLES = frozenset(Role)
# Who may do what. Auditors read everything in their projects and change nothing.
CAN_PREDICT = frozenset({Role.ANNOTATOR, Role.REVIEWER, Role.ML_ENGINEER, Role.ADMIN})
CAN_GIVE_FEEDBACK = frozenset({Role.ANNOTATOR, Role.REVIEWER, Role.ADMIN})
CAN_REVIEW = frozenset({Role.REVIEWER, Role.ADMIN})
CAN_IMPORT = frozenset({Role.ML_ENGINEER, Role.ADMIN})
CAN_TRAIN = frozenset({Role.ML_ENGINEER, Role.ADMIN})
CAN_PROMOTE = frozenset({Role.ML_ENGINEER, Role.ADMIN})
CAN_MANAGE_PROJECTS = frozenset({Role.ML_ENGINEER, Role.ADMIN})
CAN_READ_AUDIT = frozenset({Role.AUDITOR, Role.ADMIN})
# Data-subject rights (apps.privacy) reach across projects: exports, erasure, rectification, restriction.
CAN_HANDLE_SUBJECT_RIGHTS = frozenset({Role.PRIVACY_OFFICER, Role.ADMIN})
_PRIORITY = [Role.ADMIN, Role.PRIVACY_OFFICER, Role.ML_ENGINEER, Role.REVIEWER, Role.ANNOTATOR, Role.AUDITOR]


def user_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_hitl_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=[r.value for r in Role]).values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN.value)
        cached = frozenset(names)
        user._hitl_roles = cached
    return cached


def has_any_role(user, roles: frozenset[str]) -> bool:
    return bool(user_roles(user) & roles)


def primary_role(user) -> str:
    held = user_roles(user)
    return next((r.value for r in _PRIORITY if r in held), "none")
