"""Crypto-shredding (GDPR Art. 17, 25 and 32): the content of items about a data subject is stored encrypted under
that subject's own key, so destroying the key makes every copy of it unreadable, backups included.

What is sealed: the text of an item with a `subject_ref` (Item.text, a SealedTextField, seals on save and opens on
read: code that reads `item.text` never sees ciphertext) and its image bytes in object storage (a key under
`…/sealed/…`, written by image_store_sealed and opened by apps.items.images.image_open). Items without a subject
(texts sent to /predict) are not personal data the platform can attribute, and stay plain.

Keys: one random 256-bit data key per subject (SubjectKey, found by the keyed subject hash, never the reference),
stored wrapped (AES-256-GCM) under the key-encryption key derived from the SUBJECT_KEK secret, so a copy of the
database alone opens nothing. Erasure deletes the subject's key row in its transaction (subject_keys_destroy);
from then on the ciphertext in any backup of the items table or the bucket is noise. The key table is the only
place the keys live: docs/operations.md backs it up apart, with a retention shorter than the one-month answer
time of Art. 12(3), so an erased key also leaves the backups within that bound.

Formats (AES-256-GCM, 96-bit random nonce, the header as associated data, so a value cannot be moved to another
key or forged without the key):
- text: MARK + "<key id>:" + urlsafe base64(nonce + ciphertext). MARK starts with ESC, and no text a user sends may
  start like it (apps.core.strings.text_problem); a stored value that still does not authenticate under its key is
  returned as it is.
- bytes: BLOB_MAGIC + key id (8 bytes, big-endian) + nonce + ciphertext.
"""
import base64
import functools
import os
import threading
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from apps.core.strings import SEALED_PREFIX

from .hashing import subject_hash

MARK = SEALED_PREFIX + "v1:"  # user input may not start with SEALED_PREFIX (apps.core.strings.text_problem)
BLOB_MAGIC = b"HITLSEAL1"
_NONCE = 12
SEALED_BYTES_OVERHEAD = len(BLOB_MAGIC) + 8 + _NONCE + 16  # header, nonce and GCM tag around the plain bytes
# A process keeps opened keys this long at most; then it asks the key table again, so an erasure (which deletes the
# key) also closes the key in every other process within this bound, whatever it has cached.
KEY_CACHE_SECONDS = 300


class SubjectKeyDestroyed(Exception):
    """The content was sealed under a key that erasure destroyed: it cannot be read any more."""


class SubjectKeyError(Exception):
    """A subject key that exists cannot be unwrapped: SUBJECT_KEK is not the secret the keys were wrapped with."""


def _kek() -> AESGCM:
    return _kek_for(settings.SUBJECT_KEK)


@functools.lru_cache(maxsize=4)
def _kek_for(secret: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hitl subject key-encryption key v1")
    return AESGCM(derived.derive(secret.encode()))


def _wrap(data_key: bytes, subject: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + _kek().encrypt(nonce, data_key, f"subject-key:{subject}".encode())


def _unwrap(wrapped: bytes, subject: str) -> bytes:
    try:
        return _kek().decrypt(wrapped[:_NONCE], wrapped[_NONCE:], f"subject-key:{subject}".encode())
    except InvalidTag:
        raise SubjectKeyError("A subject key cannot be unwrapped: SUBJECT_KEK (environment, or var/secrets/subject_kek)"
                              " is not the secret the keys were made with. Restore that secret; sealed item content "
                              "cannot be read without it.") from None


class Keyring:
    """Subject keys of one process: made on first use, opened once, dropped after KEY_CACHE_SECONDS.

    A key this process made joins the cache only once its transaction commits: until then its id is in
    `_uncommitted`, and is looked up again on each use, because a rollback would remove the key and (SQLite) its
    id may come back for another key. Every other key read from the table is committed, and cached at once.
    """

    WINDOW = 512  # a miss by id loads the keys with ids around it: one import's keys are consecutive

    def __init__(self, model=None):
        self._model = model
        self._lock = threading.Lock()
        self._by_id: dict[int, AESGCM] = {}
        self._by_subject: dict[str, tuple[int, AESGCM]] = {}
        self._uncommitted: set[int] = set()
        self._since = time.monotonic()

    @property
    def model(self):
        if self._model is None:
            from .models import SubjectKey

            self._model = SubjectKey
        return self._model

    def _fresh(self) -> None:
        if time.monotonic() - self._since > KEY_CACHE_SECONDS:
            self.clear()

    def clear(self) -> None:
        with self._lock:
            self._by_id.clear()
            self._by_subject.clear()
            self._since = time.monotonic()

    def _open(self, rows) -> dict[str, tuple[int, AESGCM]]:
        """subject hash -> (id, key) for (id, subject hash, wrapped key) rows; the committed ones are cached."""
        entries = {subject: (pk, AESGCM(_unwrap(bytes(wrapped), subject))) for pk, subject, wrapped in rows}
        self._cache({s: e for s, e in entries.items() if e[0] not in self._uncommitted})
        return entries

    def _cache(self, entries: dict[str, tuple[int, AESGCM]]) -> None:
        with self._lock:
            for subject, (pk, key) in entries.items():
                self._by_id[pk] = key
                self._by_subject[subject] = (pk, key)

    def _confirm(self, entries: dict[str, tuple[int, AESGCM]]) -> None:
        self._uncommitted.difference_update(pk for pk, _key in entries.values())
        self._cache(entries)

    def for_subject(self, subject_ref: str) -> tuple[int, AESGCM]:
        """The subject's key, made now if it has none (in the caller's transaction)."""
        return self.for_subjects([subject_ref])[subject_hash(subject_ref)]

    def for_subjects(self, subject_refs) -> dict[str, tuple[int, AESGCM]]:
        """subject hash -> (key id, key) for each reference: three statements for any number of new subjects."""
        self._fresh()
        wanted = {subject_hash(ref) for ref in subject_refs if ref}
        found = {s: self._by_subject[s] for s in wanted if s in self._by_subject}
        missing = wanted - set(found)
        if missing:
            columns = ("pk", "subject_hash", "wrapped_key")
            found |= self._open(self.model.objects.filter(subject_hash__in=missing).values_list(*columns))
            new = missing - set(found)
            if new:
                self.model.objects.bulk_create([self.model(subject_hash=s, wrapped_key=_wrap(AESGCM.generate_key(256), s))
                                                for s in sorted(new)], ignore_conflicts=True)
                rows = list(self.model.objects.filter(subject_hash__in=new).values_list(*columns))
                self._uncommitted.update(pk for pk, _s, _w in rows)
                made = self._open(rows)
                transaction.on_commit(lambda: self._confirm(made))
                found |= made
        return found

    def by_id(self, key_id: int) -> AESGCM | None:
        """The key `key_id`, or None when it was destroyed (erasure)."""
        self._fresh()
        key = self._by_id.get(key_id)
        if key is None:
            rows = self.model.objects.values_list("pk", "subject_hash", "wrapped_key")
            rows = (rows.filter(pk=key_id) if key_id in self._uncommitted else
                    rows.filter(pk__gte=key_id - self.WINDOW, pk__lte=key_id + self.WINDOW))
            key = next((k for pk, k in self._open(rows).values() if pk == key_id), None)
        return key

    def sealer(self, subject_refs):
        """seal(text, subject_ref) for many texts of these subjects, with their keys fetched (or made) at once."""
        entries = self.for_subjects(subject_refs)
        return lambda text, subject_ref: _seal_text_with(entries[subject_hash(subject_ref)], text)

    def forget(self, key_ids) -> None:
        gone = set(key_ids)
        with self._lock:
            for pk in gone:
                self._by_id.pop(pk, None)
            for subject in [s for s, (pk, _key) in self._by_subject.items() if pk in gone]:
                del self._by_subject[subject]


keyring = Keyring()


def is_sealed_text(value) -> bool:
    return isinstance(value, str) and value.startswith(MARK)


def seal_text(text: str, subject_ref: str, *, ring: Keyring = keyring) -> str:
    return _seal_text_with(ring.for_subject(subject_ref), text)


def _seal_text_with(entry: tuple[int, AESGCM], text: str) -> str:
    key_id, key = entry
    header = f"{MARK}{key_id}:"
    nonce = os.urandom(_NONCE)
    sealed = nonce + key.encrypt(nonce, text.encode(), header.encode())
    return header + base64.urlsafe_b64encode(sealed).decode()


def open_text(value: str, *, ring: Keyring = keyring) -> str:
    """The plain text of a sealed value: "" when its key was destroyed; `value` itself when it is not a sealed value
    this platform wrote (a user's text that only looks like one)."""
    head, _, body = value[len(MARK):].partition(":")
    if not head.isdigit() or not body:
        return value
    key = ring.by_id(int(head))
    if key is None:
        return ""
    try:
        raw = base64.urlsafe_b64decode(body)
        return key.decrypt(raw[:_NONCE], raw[_NONCE:], value[:len(MARK) + len(head) + 1].encode()).decode()
    except (InvalidTag, ValueError):
        return value


def seal_bytes(data: bytes, subject_ref: str, *, ring: Keyring = keyring) -> bytes:
    key_id, key = ring.for_subject(subject_ref)
    header = BLOB_MAGIC + key_id.to_bytes(8, "big")
    nonce = os.urandom(_NONCE)
    return header + nonce + key.encrypt(nonce, data, header)


def sealed_bytes_key_id(data: bytes) -> int | None:
    if not data.startswith(BLOB_MAGIC) or len(data) < len(BLOB_MAGIC) + 8 + _NONCE:
        return None
    return int.from_bytes(data[len(BLOB_MAGIC):len(BLOB_MAGIC) + 8], "big")


def open_bytes(data: bytes, *, ring: Keyring = keyring) -> bytes:
    """The plain bytes of a sealed blob; SubjectKeyDestroyed when its key is gone, ValueError when it is damaged."""
    key_id = sealed_bytes_key_id(data)
    if key_id is None:
        raise ValueError("not a sealed object")
    key = ring.by_id(key_id)
    if key is None:
        raise SubjectKeyDestroyed(f"subject key {key_id} was destroyed (erasure)")
    header_end = len(BLOB_MAGIC) + 8
    try:
        return key.decrypt(data[header_end:header_end + _NONCE], data[header_end + _NONCE:], data[:header_end])
    except InvalidTag:
        raise ValueError("a sealed object failed authentication (damaged or altered)") from None


def subject_keys_destroy(subject_ref: str, *, ring: Keyring = keyring) -> int:
    """Delete the subject's key (in the caller's transaction): how many rows went (0 or 1)."""
    rows = ring.model.objects.filter(subject_hash=subject_hash(subject_ref))
    ids = list(rows.values_list("pk", flat=True))
    deleted, _ = rows.delete()
    transaction.on_commit(lambda: ring.forget(ids))
    return deleted
