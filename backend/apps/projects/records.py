"""GDPR Art. 30 records of processing: each project's record as data (JSON) or as a Markdown document.

Reads only. A blank text is shown with the platform's stated default (and listed under `defaults`); what has no
honest default (the controller, the purpose, the lawful basis) is listed under `missing` instead, so an auditor
sees at once what an admin still has to fill in. The default security text describes what this deployment does,
read from its settings (TLS only where it is configured), never more.
"""
from collections import Counter

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from apps.accounts.roles import Role, user_roles

from .models import Project, Task

REQUIRED = ("controller", "purpose", "lawful_basis")
LABELS = {
    "controller": "Controller and contact (Art. 30(1)(a))",
    "purpose": "Purposes of the processing (Art. 30(1)(b))",
    "lawful_basis": "Lawful basis (Art. 6)",
    "data_categories": "Categories of personal data (Art. 30(1)(c))",
    "data_subject_categories": "Categories of data subjects (Art. 30(1)(c))",
    "recipients": "Recipients (Art. 30(1)(d))",
    "international_transfers": "Transfers to third countries (Art. 30(1)(e))",
    "retention": "Time limits for erasure (Art. 30(1)(f))",
    "security_measures": "Technical and organisational security measures (Art. 30(1)(g), Art. 32)",
}
_CATEGORIES = {
    Task.TEXT_CLASSIFICATION: "Free text of the items (it may contain any personal data its authors wrote), their "
                              "labels and a pseudonymous data-subject reference (subject_ref); the platform's users' "
                              "accounts and what they answered.",
    Task.OBJECT_DETECTION: "Images of the items (they may show people, faces, number plates), their file names, "
                           "boxes and labels, and a pseudonymous data-subject reference (subject_ref); the "
                           "platform's users' accounts and what they answered.",
}
_SUBJECTS = ("People who wrote, appear in or are described by the items (identified only by subject_ref); the "
             "platform's users (annotators, reviewers, engineers, auditors, admins).")
_TRANSFERS = "None made by the platform: it is self-hosted, and sends data only to the services it is configured with."


def _in_transit() -> str:
    parts = []
    if settings.SECURE_SSL_REDIRECT or getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        hsts = f", HSTS for {settings.SECURE_HSTS_SECONDS} s" if settings.SECURE_HSTS_SECONDS else ""
        parts.append(f"HTTPS for the web app and API ({'redirect' if settings.SECURE_SSL_REDIRECT else 'TLS proxy'}"
                     f"{hsts}; secure session cookie: {'yes' if settings.SESSION_COOKIE_SECURE else 'no'})")
    else:
        parts.append("the web app and API are NOT forced onto HTTPS by this deployment (set "
                     "DJANGO_SECURE_SSL_REDIRECT or put a TLS proxy in front)")
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        sslmode = database.get("OPTIONS", {}).get("sslmode", "")
        required = sslmode in ("require", "verify-ca", "verify-full")
        parts.append(f"database connection with TLS (sslmode={sslmode})" if required
                     else "database connection without required TLS (add sslmode=require to DATABASE_URL)")
    if getattr(settings, "S3_BUCKET", ""):
        endpoint = (settings.STORAGES["default"].get("OPTIONS", {}).get("endpoint_url") or "https://")
        parts.append("object storage over HTTPS" if endpoint.startswith("https://")
                     else f"object storage over plain HTTP ({endpoint})")
    return "; ".join(parts)


def default_security_measures() -> str:
    return "\n".join([
        "- Access control: every endpoint needs authentication (expiring API tokens, sessions); five roles "
        "(annotator, reviewer, ml_engineer, auditor, admin) and project membership scope every read and write.",
        "- Pseudonymisation: items carry a pseudonymous subject_ref; the audit log names users by a keyed-HMAC "
        "pseudonym and holds references and hashes, never item content.",
        "- Integrity: every item's content is stored with its SHA-256; the audit log is an append-only hash chain "
        "(UPDATE and DELETE refused by the database), verifiable online (manage.py audit_verify) and offline "
        "(tools/verify_audit_export.py).",
        "- Audited access: every response that carries item text or image bytes records a personal_data.read event "
        "(who, which items, when); every change is recorded with its actor.",
        f"- Encryption in transit: {_in_transit()}.",
        "- Encryption at rest: the texts and images of items about a data subject are encrypted (AES-256-GCM) under "
        "a key of that subject, itself encrypted under the installation's key-encryption key; erasure destroys the "
        "subject's key, which makes every copy unreadable, backups included (crypto-shredding). Other data relies on "
        "the encryption of the database volume and of the bucket, where the operator has enabled it.",
        "- Passwords are stored as salted hashes; logins are throttled and audited.",
    ])


def _retention(project: Project) -> dict:
    days = project.retention_days
    text = (f"Item content is kept for {days} days and is then due for purge; the audit log keeps references only."
            if days else "No retention limit is set for this project (set retention_days).")
    return {"days": days, "description": text}


def _recipients(roles: Counter) -> str:
    held = ", ".join(f"{roles[r]} {r}" for r in (Role.ANNOTATOR, Role.REVIEWER, Role.ML_ENGINEER, Role.AUDITOR,
                                                  Role.ADMIN) if roles[r])
    return (f"Members of the project on this platform ({held or 'none yet'}) and the platform's admins; no "
            "disclosure outside the platform is made by it.")


def processing_record(*, project: Project, now=None) -> dict:
    """One project's Art. 30 record as data (the JSON document; the Markdown renders the same)."""
    stats = project.items.filter(erased_at__isnull=True).aggregate(
        items=Count("id"), subjects=Count("subject_ref", distinct=True, filter=~Q(subject_ref="")))
    roles: Counter = Counter()
    for user in project.members.prefetch_related("groups"):
        roles.update(user_roles(user))
    defaults = {"data_categories": _CATEGORIES[project.task], "data_subject_categories": _SUBJECTS,
                "recipients": _recipients(roles), "international_transfers": _TRANSFERS,
                "security_measures": default_security_measures()}
    record = {"project": project.slug, "name": project.name, "task": project.task,
              "controller": project.controller, "purpose": project.purpose, "lawful_basis": project.lawful_basis}
    used = []
    for field, default in defaults.items():
        record[field] = getattr(project, field) or default
        if not getattr(project, field):
            used.append(field)
    record["retention"] = _retention(project)
    record["defaults"] = used
    record["missing"] = [field for field in REQUIRED if not getattr(project, field)]
    record["statistics"] = {"items": stats["items"], "data_subjects": stats["subjects"],
                            "members_by_role": {r.value: roles[r] for r in Role if roles[r]}}
    record["generated_at"] = (now or timezone.now()).isoformat()
    return record


def processing_records(*, projects) -> dict:
    now = timezone.now()
    return {"generated_at": now.isoformat(), "records": [processing_record(project=p, now=now) for p in projects]}


def _md_text(value: str) -> str:
    return str(value).replace("|", "\\|").replace("\n", "<br>")


def processing_records_markdown(*, records: list[dict], generated_at: str) -> str:
    lines = ["# Records of processing activities (GDPR Art. 30)", "", f"Generated {generated_at}.", ""]
    for record in records:
        lines += [f"## {record['name']} (`{record['project']}`, {record['task']})", "", "| | |", "|---|---|"]
        for field, label in LABELS.items():
            value = record["retention"]["description"] if field == "retention" else record[field]
            if field in record["missing"]:
                value = "**missing: an admin must fill this in**"
            elif field in record["defaults"]:
                value = f"{value}<br>*(platform default)*" if value else value
            lines.append(f"| {label} | {_md_text(value)} |")
        stats = record["statistics"]
        members = ", ".join(f"{n} {role}" for role, n in stats["members_by_role"].items()) or "none"
        lines += [f"| Scale | {stats['items']} items, {stats['data_subjects']} distinct data subjects; members: "
                  f"{members} |", ""]
    return "\n".join(lines) + "\n"
