"""The hash chain's arithmetic: canonical JSON of an event and its SHA-256 link to the previous one.

Pure functions, shared by the recorder and the verifier so that the two can never disagree.
`event_payload` + `chain_hash` are the definition; `event_hash` computes the same digest without building the
payload dict or sorting its keys for every event (the verifier's inner loop over millions of rows), and a test
holds it equal to the definition on every kind of value a field can carry.
"""
import hashlib
import hmac
import json
from datetime import datetime

GENESIS_HASH = "0" * 64



def _canonical_encoder():
    """canonical_json's encoder, made once: json.dumps builds the same C encoder anew for every call."""
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the pure-Python path, slower and identical
        return encoder.encode
    # The arguments JSONEncoder.iterencode passes (markers=None: only the check for circular values differs).
    encode, join = make(None, encoder.default, json.encoder.encode_basestring, None, ":", ",", True, False, True), "".join
    return lambda value: join(encode(value, 0))


_canonical = _canonical_encoder()
_string = json.encoder.encode_basestring  # what the encoder above writes for a str (ensure_ascii=False)
_sha256 = hashlib.sha256
# The payload's keys in sorted order, exactly as canonical_json writes them.
_TEMPLATE = ('%s{"action":%s,"actor_ref":%s,"actor_role":%s,"created_at":"%s","details":%s,"object_id":%s,'
             '"object_type":%s,"project":%s,"request_id":%s,"seq":%d}')


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


def event_hash(prev_hash: str, seq: int, created_at: datetime, actor_ref: str, actor_role: str, action: str,
               object_type: str, object_id: str, project_slug: str, request_id: str, details) -> str:
    """chain_hash(prev_hash, event_payload(...)) for an event whose text fields are str and seq an int."""
    return event_hash_at(prev_hash, seq, created_at.isoformat(timespec="microseconds"), actor_ref, actor_role, action,
                         object_type, object_id, project_slug, request_id, details)


def event_hash_at(prev_hash: str, seq: int, created_at: str, actor_ref: str, actor_role: str, action: str,
                  object_type: str, object_id: str, project_slug: str, request_id: str, details) -> str:
    """event_hash with created_at already written as isoformat(timespec="microseconds") (the verifier has the
    database write it)."""
    return _sha256(event_text_at(prev_hash, seq, created_at, actor_ref, actor_role, action, object_type, object_id,
                                 project_slug, request_id, details).encode()).hexdigest()


def event_text_at(prev_hash: str, seq: int, created_at: str, actor_ref: str, actor_role: str, action: str,
                  object_type: str, object_id: str, project_slug: str, request_id: str, details) -> str:
    """The text whose SHA-256 is the event's hash: the previous hash, then the payload's canonical JSON."""
    return _TEMPLATE % (prev_hash, _string(action), _string(actor_ref), _string(actor_role), created_at,
                        _canonical(details), _string(object_id), _string(object_type), _string(project_slug),
                        _string(request_id), seq)


# Holes in an event's text that only the database can fill (chain head, time, new row ids): control characters,
# which canonical JSON never writes raw, so a hole can never be confused with a value.
HOLES = {name: f"\x01{name}\x01" for name in ("prev", "seq", "created_at", "object_id", "ids", "items_created")}
_INT_HOLES = {"seq": -7_000_000_000_000_000_001, "items_created": -7_000_000_000_000_000_002}
_IDS_HOLE = [-7_000_000_000_000_000_003]


def event_text_template(*, actor_ref: str, actor_role: str, action: str, object_type: str, project_slug: str,
                        request_id: str, details: dict, listed: bool = True) -> tuple[str, str]:
    """(event text, details text) of an event whose chain head, created_at, object_id (a row id), and in `details`
    (if `listed`) the "ids" list and "items_created" count are not known yet: each is a HOLES marker, to be replaced
    by its JSON text (object_id as the bare digits inside its quotes, ids as comma-separated digits inside the
    brackets). Built with event_text_at itself, so filling the holes gives exactly the text event_hash hashes."""
    holes = {**details, "ids": _IDS_HOLE, "items_created": _INT_HOLES["items_created"]} if listed else details
    details_text = _canonical(holes)
    marker = HOLES["object_id"]
    text = event_text_at(HOLES["prev"], _INT_HOLES["seq"], HOLES["created_at"], actor_ref, actor_role, action,
                         object_type, marker, project_slug, request_id, holes)

    def fill(value: str) -> str:
        for name, number in _INT_HOLES.items():
            value = value.replace(str(number), HOLES[name])
        return value.replace(_canonical(_IDS_HOLE), f"[{HOLES['ids']}]").replace(_string(marker), f'"{marker}"')
    return fill(text), fill(details_text)


def pseudonym(key: str, user_pk: int) -> str:
    """A stable keyed-HMAC pseudonym: the log never holds a username, so erasing a person keeps the chain intact."""
    return hmac.new(key.encode(), f"user:{user_pk}".encode(), hashlib.sha256).hexdigest()[:32]
