"""The hash chain's arithmetic: canonical JSON of an event and its SHA-256 link to the previous one.

Pure functions, shared by the recorder and the verifier so that the two can never disagree.
"""
import hashlib
import hmac
import json
from datetime import datetime

GENESIS_HASH = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_payload(*, seq: int, created_at: datetime, actor_ref: str, actor_role: str, action: str,
                  object_type: str, object_id: str, project_slug: str, request_id: str, details: dict) -> dict:
    return {
        "seq": seq,
        "created_at": created_at.isoformat(timespec="microseconds"),
        "actor_ref": actor_ref,
        "actor_role": actor_role,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "project": project_slug,
        "request_id": request_id,
        "details": details,
    }


def chain_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode()).hexdigest()


def pseudonym(key: str, user_pk: int) -> str:
    """A stable keyed-HMAC pseudonym: the log never holds a username, so erasing a person keeps the chain intact."""
    return hmac.new(key.encode(), f"user:{user_pk}".encode(), hashlib.sha256).hexdigest()[:32]
