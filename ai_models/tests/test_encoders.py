"""The sentence encoder: offline files checked against recorded sha256s, vectors equal to sentence-transformers'."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ai_models.encoders import (
    MemoryEmbeddingStore,
    SqliteEmbeddingStore,
    embed,
    encoder_key,
    load_encoder,
    text_sha256,
)
from ai_models.encoders.files import (
    ENV_DIR,
    MINILM_L6,
    EncoderFilesError,
    EncoderSpec,
    _unpack,
    encoder_dir,
    verify_dir,
)

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


def real_encoder_dir() -> Path:
    """The installed encoder's verified folder; skipped where it is not installed, a failure in CI."""
    try:
        return encoder_dir(MINILM_L6.id)
    except EncoderFilesError as exc:
        if os.environ.get("HITL_REQUIRE_SERVICES"):
            pytest.fail(f"the text encoder is required here: {exc}")
        pytest.skip(str(exc))


def _small_spec(folder: Path) -> EncoderSpec:
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    files = {"a.json": b'{"x": 1}', "sub/b.bin": b"\x00\x01weights"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return EncoderSpec(id="tiny", files={n: hashlib.sha256(d).hexdigest() for n, d in files.items()})


def test_verify_dir_accepts_matching_files(tmp_path: Path) -> None:
    spec = _small_spec(tmp_path)
    assert verify_dir(spec, tmp_path) == tmp_path


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    spec = _small_spec(tmp_path)
    (tmp_path / "sub" / "b.bin").unlink()
    with pytest.raises(EncoderFilesError, match=r"missing file\(s\) \['sub/b.bin'\]"):
        verify_dir(spec, tmp_path)


def test_wrong_hash_is_a_clear_error(tmp_path: Path) -> None:
    spec = _small_spec(tmp_path)
    (tmp_path / "a.json").write_bytes(b'{"x": 2}')
    with pytest.raises(EncoderFilesError, match="a.json has sha256 .* expected"):
        verify_dir(spec, tmp_path)


def test_unpack_takes_only_recorded_files_and_refuses_a_tampered_zip(tmp_path: Path) -> None:
    spec = _small_spec(tmp_path / "src")
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as zf:
        for name in spec.files:
            zf.write(tmp_path / "src" / name, name)
        zf.writestr("../escape.txt", "not extracted")
    folder = _unpack(spec, good, tmp_path / "cache")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(spec.files)
    assert not (tmp_path / "escape.txt").exists()

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("a.json", '{"x": 3}')
        zf.write(tmp_path / "src" / "sub" / "b.bin", "sub/b.bin")
    with pytest.raises(EncoderFilesError, match="a.json has sha256"):
        _unpack(spec, bad, tmp_path / "cache2")
    assert not any(p.is_file() for p in (tmp_path / "cache2").rglob("*")), "nothing unverified is left behind"


def test_env_folder_with_a_changed_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = real_encoder_dir()
    for name in MINILM_L6.files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).symlink_to(source / name)
    monkeypatch.setenv(ENV_DIR, str(tmp_path))
    assert encoder_dir(MINILM_L6.id) == tmp_path
    (tmp_path / "config.json").unlink()
    (tmp_path / "config.json").write_text(json.dumps({"hidden_size": 384}))
    with pytest.raises(EncoderFilesError, match="config.json has sha256"):
        encoder_dir(MINILM_L6.id)
    (tmp_path / "config.json").unlink()
    with pytest.raises(EncoderFilesError, match="missing file"):
        encoder_dir(MINILM_L6.id)


def test_vectors_match_sentence_transformers() -> None:
    real_encoder_dir()
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    ours = load_encoder(MINILM_L6.id).encode(reference["texts"])
    expected = np.asarray(reference["vectors"], dtype=np.float32)
    cosine = (ours * expected).sum(axis=1)
    assert np.all(np.abs(cosine - 1.0) < 1e-5), cosine
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_embed_encodes_each_text_once_per_store(tmp_path: Path) -> None:
    real_encoder_dir()
    store = SqliteEmbeddingStore(tmp_path / "emb.sqlite")
    texts = ["cancel my card", "where is my parcel", "cancel my card"]
    first = embed(texts, MINILM_L6.id, store=store)
    assert first.shape == (3, 384) and np.array_equal(first[0], first[2])
    held = store.get_many(encoder_key(MINILM_L6.id), [text_sha256(t) for t in texts])
    assert len(held) == 2
    # A second process (a new store object on the same file) reads the vectors instead of encoding again.
    again = SqliteEmbeddingStore(tmp_path / "emb.sqlite")
    marker = np.full(384, 0.5, dtype=np.float32)
    again.put_many("other-encoder", {text_sha256("x"): marker})
    assert np.array_equal(embed(texts, MINILM_L6.id, store=again), first)
    assert np.array_equal(again.get_many("other-encoder", [text_sha256("x")])[text_sha256("x")], marker)


def test_memory_store_is_bounded() -> None:
    store = MemoryEmbeddingStore(max_items=2)
    store.put_many("e", {"a": np.zeros(2), "b": np.ones(2)})
    store.get_many("e", ["a"])  # a is now the most recently used
    store.put_many("e", {"c": np.ones(2)})
    assert sorted(store.get_many("e", ["a", "b", "c"])) == ["a", "c"]
