"""Stage data_formatting: ``data/raw`` -> the training format in ``data/formatted``.

Text: ``table.csv`` with columns ``item_id,text,label,weight,split,provenance`` (``split`` is ``train``, ``val`` or
``holdout``; train rows in ``train.jsonl`` order, then the holdout rows, whose weight is 1.0; ``provenance`` is where
the row's label came from as ``data/raw`` says — ``imported``, ``labelled``, ``human_corrected``, ``accepted_as_is``,
``reviewed`` — ``imported`` for holdout rows and ``unknown`` for raw rows that do not say). The val rows are a
seeded, per-label (stratified) ``text_classification.val_fraction`` (default 0.2) of each label's rows; a label
keeps at least one train row. The final model trains on train + val.

Detection: a YOLO dataset (``data.yaml``, ``images/{train,val}``, ``labels/{train,val}``, written by
:func:`~ai_models.object_detection.write_yolo_dataset`; train/val split by ``object_detection.val_fraction`` and
``SEED``, train images repeated per weight) and ``holdout/`` (a YOLO dataset of its own, every holdout image in
its val split). ``data.yaml`` holds the absolute dataset path (ultralytics needs it).

Both write ``summary.json``: ``{"task", "labels", "seed", "val_fraction", "counts": {split: n},
"per_label": {split: {label: n}}`` (examples for text, boxes for detection), ``"items": {split: [item_id...]}``,
``"provenance": {split: {kind: n}}, "provenance_by_item": {item_id: kind}}`` (train and val rows: an engineer can
see each label's provenance for detection too, whose YOLO label files have no room for it).
Same raw data and params give byte-identical files.

    python -m ai_models.stages.data_formatting --params params.yaml --raw data/raw --out data/formatted
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ai_models.stages.common import (
    DETECTION,
    TEXT,
    clean_dir,
    load_stage_params,
    print_result,
    stage_parser,
    text_val_fraction,
    write_csv,
    write_json,
)
from ai_models.stages.raw import RawData, detection_examples, read_raw

TABLE = "table.csv"
SUMMARY = "summary.json"
HOLDOUT_DIR = "holdout"
TABLE_COLUMNS = ("item_id", "text", "label", "weight", "split", "provenance")
UNKNOWN = "unknown"
SPLITS = ("train", "val", "holdout")


def stratified_val_ids(rows: Sequence[dict[str, Any]], *, val_fraction: float, seed: int) -> set[Any]:
    """Item ids of the val rows: per label, a seeded ``round(n * val_fraction)`` of its rows (at most n - 1)."""
    by_label: dict[str, list[Any]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row["item_id"])
    val: set[Any] = set()
    for label in sorted(by_label):
        ids = sorted(by_label[label])
        random.Random(f"{seed}:{label}").shuffle(ids)
        n_val = min(round(len(ids) * val_fraction), len(ids) - 1)
        val.update(ids[: max(n_val, 0)])
    return val


def _per_label(labels: list[str], label_lists: Sequence[Sequence[str]]) -> dict[str, int]:
    counts = dict.fromkeys(labels, 0)
    for row_labels in label_lists:
        for label in row_labels:
            counts[label] = counts.get(label, 0) + 1
    return counts


def _format_text(raw: RawData, out: Path, params: dict[str, Any], seed: int) -> dict[str, Any]:
    val_fraction = text_val_fraction(params)
    val_ids = stratified_val_ids(raw.train, val_fraction=val_fraction, seed=seed)
    split = {r["item_id"]: ("val" if r["item_id"] in val_ids else "train") for r in raw.train}
    rows = [(r["item_id"], r["text"], r["label"], float(r.get("weight", 1.0)), split[r["item_id"]],
             r.get("provenance") or UNKNOWN) for r in raw.train]
    rows += [(r["item_id"], r["text"], r["label"], 1.0, "holdout", "imported") for r in raw.holdout]
    write_csv(out / TABLE, TABLE_COLUMNS, rows)
    items = {name: [r[0] for r in rows if r[4] == name] for name in SPLITS}
    per_label = {name: _per_label(raw.labels, [[r[2]] for r in rows if r[4] == name]) for name in SPLITS}
    return {"val_fraction": val_fraction, "items": items, "per_label": per_label}


def _format_detection(raw: RawData, out: Path, params: dict[str, Any]) -> dict[str, Any]:
    from ai_models.detection.dataset import split_examples
    from ai_models.object_detection import DetectionParams, write_yolo_dataset

    p = DetectionParams.from_params(params)
    # split_examples only indexes its sequence: splitting the raw rows gives the split write_yolo_dataset would make.
    train_rows, val_rows = split_examples(raw.train, val_fraction=p.val_fraction, seed=p.seed)  # type: ignore[arg-type]
    write_yolo_dataset(
        detection_examples(raw.root, train_rows),
        raw.labels,
        out,
        val_fraction=p.val_fraction,
        seed=p.seed,
        val_examples=detection_examples(raw.root, val_rows),
    )
    write_yolo_dataset(
        [], raw.labels, out / HOLDOUT_DIR, val_fraction=0.0, seed=p.seed,
        val_examples=detection_examples(raw.root, raw.holdout),
    )
    by_split = {"train": list(train_rows), "val": list(val_rows), "holdout": raw.holdout}
    return {
        "val_fraction": p.val_fraction,
        "items": {name: [r["item_id"] for r in rows] for name, rows in by_split.items()},
        "per_label": {
            name: _per_label(raw.labels, [[b["label"] for b in r["boxes"]] for r in rows])
            for name, rows in by_split.items()
        },
    }


def run(raw_dir: Path, out_dir: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Format ``raw_dir`` into ``out_dir`` (emptied first); returns ``{"task", "counts", "per_label"}``."""
    raw = read_raw(raw_dir)
    out = clean_dir(out_dir)
    seed = int(params.get("SEED", 42))
    if raw.task == TEXT:
        parts = _format_text(raw, out, params, seed)
    else:
        assert raw.task == DETECTION
        parts = _format_detection(raw, out, params)
    kinds = {r["item_id"]: r.get("provenance") or UNKNOWN for r in raw.train}
    kinds.update({r["item_id"]: "imported" for r in raw.holdout})
    provenance: dict[str, dict[str, int]] = {}
    for name in SPLITS:
        provenance[name] = {}
        for item_id in parts["items"][name]:
            provenance[name][kinds[item_id]] = provenance[name].get(kinds[item_id], 0) + 1
    summary = {
        "task": raw.task,
        "labels": raw.labels,
        "seed": seed,
        "val_fraction": parts["val_fraction"],
        "counts": {name: len(parts["items"][name]) for name in SPLITS},
        "per_label": parts["per_label"],
        "items": parts["items"],
        "provenance": {name: dict(sorted(counts.items())) for name, counts in provenance.items()},
        "provenance_by_item": {str(r["item_id"]): kinds[r["item_id"]] for r in raw.train},
    }
    write_json(out / SUMMARY, summary)
    return {k: summary[k] for k in ("task", "counts", "per_label")}


def main(argv: list[str] | None = None) -> int:
    parser = stage_parser(__doc__)
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--out", type=Path, default=Path("data/formatted"))
    args = parser.parse_args(argv)
    print_result(run(args.raw, args.out, load_stage_params(args.params)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
