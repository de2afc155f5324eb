"""Stage kfold_data_formatting: the cross-validation folds of the training rows, as item ids.

Writes ``folds.json`` = ``{"task", "k", "seed", "n", "folds": [{"fold", "train": [item_id...], "val":
[item_id...]}]}`` (+ ``"skipped": reason`` and ``k`` 0 when the data cannot support 2 folds). Splits are made
over ``train.jsonl`` in its order (sorted by item_id) exactly as the library's k-fold functions make them, so
the folds (and, for text, the fold metrics) equal :func:`ai_models.text_classification.kfold_evaluate` /
:func:`ai_models.object_detection.kfold_detector` on the same data:

* text: ``StratifiedKFold(k, shuffle, SEED)`` with ``k = max(2, min(K_FOLDS, smallest label count))``;
  skipped with fewer than 2 labels or a label with a single example;
* detection: ``KFold(k, shuffle, SEED)`` with ``k = min(K_FOLDS, n // 2)``; skipped when ``K_FOLDS < 2`` or
  ``k < 2`` (fewer than 4 images).

Every training row is in exactly one val fold.

    python -m ai_models.stages.kfold_data_formatting --params params.yaml --raw data/raw --out data/kfold
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ai_models.stages.common import TEXT, clean_dir, load_stage_params, print_result, stage_parser, write_json
from ai_models.stages.raw import read_raw

FOLDS = "folds.json"


def text_folds(labels: list[str], k_folds: int, seed: int) -> tuple[int, list[tuple[list[int], list[int]]], str | None]:
    """``(k, [(train indices, val indices)...], skipped reason)`` as ``kfold_evaluate`` splits ``labels``."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    counts = Counter(labels)
    if len(counts) < 2:
        return 0, [], f"need at least 2 distinct labels, got {len(counts)}"
    smallest_label, smallest = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if smallest < 2:
        return 0, [], f"label '{smallest_label}' has only {smallest} example; need at least 2 per label"
    k = max(2, min(k_folds, smallest))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    y = np.asarray(labels)
    return k, [(t.tolist(), v.tolist()) for t, v in splitter.split(np.zeros(len(y)), y)], None


def detection_folds(n: int, k_folds: int, seed: int) -> tuple[int, list[tuple[list[int], list[int]]], str | None]:
    """``(k, [(train indices, val indices)...], skipped reason)`` as ``kfold_detector`` splits ``n`` images."""
    import numpy as np
    from sklearn.model_selection import KFold

    if k_folds < 2:
        return 0, [], f"K_FOLDS={k_folds}: cross-validation needs at least 2 folds"
    k = min(k_folds, n // 2)
    if k < 2:
        return 0, [], f"need at least 4 images for 2 folds, got {n}"
    splitter = KFold(n_splits=k, shuffle=True, random_state=seed)
    return k, [(t.tolist(), v.tolist()) for t, v in splitter.split(np.zeros(n))], None


def run(raw_dir: Path, out_dir: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Write ``out_dir/folds.json`` (``out_dir`` emptied first); returns ``{"k", "n", "skipped"?}``."""
    raw = read_raw(raw_dir)
    out = clean_dir(out_dir)
    k_folds, seed = int(params.get("K_FOLDS", 5)), int(params.get("SEED", 42))
    if raw.task == TEXT:
        k, splits, skipped = text_folds([str(r["label"]) for r in raw.train], k_folds, seed)
    else:
        k, splits, skipped = detection_folds(len(raw.train), k_folds, seed)
    ids = [r["item_id"] for r in raw.train]
    data: dict[str, Any] = {
        "task": raw.task,
        "k": k,
        "seed": seed,
        "n": len(ids),
        "folds": [
            {"fold": i, "train": [ids[j] for j in train], "val": [ids[j] for j in val]}
            for i, (train, val) in enumerate(splits)
        ],
    }
    if skipped:
        data["skipped"] = skipped
    write_json(out / FOLDS, data)
    return {key: data[key] for key in ("k", "n", "skipped") if key in data}


def main(argv: list[str] | None = None) -> int:
    parser = stage_parser(__doc__)
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--out", type=Path, default=Path("data/kfold"))
    args = parser.parse_args(argv)
    print_result(run(args.raw, args.out, load_stage_params(args.params)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
