"""The copies of erased items that the platform keeps outside the database and object storage's image keys.

- training work folders, VAR_DIR/work/training/<run id>/ (data/raw with the texts and image files, data/formatted,
  the YOLO datasets, fold work): deleted whole when the run trained on an affected dataset version or its raw
  data names an erased item; the run's objects in storage (apps.training.run_store) with them;
- the DVC workspace's outputs (<workspace>/data/raw, formatted, kfold, kfold-work), written by `dvc repro`'s
  collection from the same database: deleted when data/raw names an erased item (`dvc repro` writes them again);
- DVC's content-addressed copies of them (<workspace>/.dvc/cache and the local remotes): a JSON file that names an
  erased item, or a file with an erased image's bytes, is deleted.

The workspace is settings.PRIVACY_DVC_WORKSPACE when set (tests), else the repository. Everything else under
VAR_DIR (the MLflow store, the model cache) holds models and metrics, not inputs.

Must not: touch the database (apps.privacy.cleanup records what was deleted).
"""
import hashlib
import re
import shutil
from pathlib import Path

from django.conf import settings

from apps.training import run_store

DVC_OUTPUTS = ("data/raw", "data/formatted", "data/kfold", "data/kfold-work")
_JSON_START = (b"{", b"[")


def workspace() -> Path:
    return Path(getattr(settings, "PRIVACY_DVC_WORKSPACE", None) or settings.REPO_DIR)


def _item_pattern(item_ids: list[int]) -> re.Pattern:
    # write_jsonl and the manifests write `"item_id": 12,` (sorted keys; with or without a space)
    return re.compile(rb'"item_id": ?(?:' + b"|".join(str(i).encode() for i in item_ids) + rb")[,}\s]")


def _raw_mentions(raw: Path, pattern: re.Pattern, image_hashes: set[str]) -> bool:
    for name in ("train.jsonl", "holdout.jsonl"):
        path = raw / name
        if path.is_file() and pattern.search(path.read_bytes()):
            return True
    images = raw / "images"
    return images.is_dir() and any(p.stem in image_hashes for p in images.iterdir())


def _remove(path: Path, deleted: list[str]) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    else:
        return
    deleted.append(str(path))


def _cache_dirs(root: Path) -> list[Path]:
    dirs = [root / ".dvc" / "cache", root / "var" / "dvc-remote", settings.VAR_DIR / "dvc-remote"]
    seen, out = set(), []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen:
            seen.add(d.resolve())
            out.append(d)
    return out


def _cache_file_holds(path: Path, pattern: re.Pattern, image_hashes: set[str], image_sizes: set[int] | None) -> bool:
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(1).lstrip()
    if head[:1] in _JSON_START:  # rows naming an erased item, or a DVC .dir listing an erased image by its name
        data = path.read_bytes()
        return bool(pattern.search(data)) or any(h.encode() in data for h in image_hashes)
    if not image_hashes or size > settings.IMAGE_MAX_BYTES or (image_sizes is not None and size not in image_sizes):
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest() in image_hashes


def platform_copies_delete(*, item_ids: list[int], image_hashes: set[str], run_ids: set[int],
                           clean_run_ids: set[int] = frozenset(), image_sizes: set[int] | None = None) -> list[str]:
    """Delete every copy named above; returns what was deleted (paths, and `object:<prefix>` for run objects).

    `clean_run_ids`: runs whose recorded dataset version did not hold the items; their folders are not read.
    `image_sizes` (the erased images' byte sizes, when known) spares hashing every other file of a DVC cache."""
    deleted: list[str] = []
    pattern = _item_pattern(item_ids)
    work = settings.VAR_DIR / "work" / "training"
    for folder in sorted(work.iterdir()) if work.is_dir() else []:
        run_id = int(folder.name) if folder.name.isdigit() else None
        if run_id in clean_run_ids:
            continue
        if run_id in run_ids or _raw_mentions(folder / "data" / "raw", pattern, image_hashes):
            _remove(folder, deleted)
            if run_id is not None:
                run_ids = run_ids | {run_id}
    for run_id in sorted(run_ids):
        if run_store.run_objects_delete(run_id=run_id):
            deleted.append(f"object:training/{run_id}/")
    root = workspace()
    if _raw_mentions(root / "data" / "raw", pattern, image_hashes):
        for output in DVC_OUTPUTS:
            _remove(root / output, deleted)
    for cache in _cache_dirs(root):
        removed: list[str] = []
        for path in sorted(p for p in cache.rglob("*") if p.is_file()):
            if _cache_file_holds(path, pattern, image_hashes, image_sizes):
                _remove(path, removed)
        if removed:  # a cache file is named by its content's hash: recorded by count, not by name
            deleted.append(f"{cache}: {len(removed)} files")
    return deleted
