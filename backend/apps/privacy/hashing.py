"""subject_hash: the keyed HMAC under which requests and audit events refer to a data subject.

A subject_ref is pseudonymous but stable across systems; the hash, keyed with the audit key, links a subject's
requests without storing the reference, and cannot be reversed by trying references without the key.
"""
import hashlib
import hmac

from django.conf import settings


def subject_hash(subject_ref: str) -> str:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), f"subject:{subject_ref}".encode(), hashlib.sha256).hexdigest()
