"""Stage kfold_model_training: train and score one model per fold of ``folds.json``, then aggregate.

* :func:`train_fold` — one fold (Celery runs these in parallel, one task per fold): text trains the TF-IDF +
  logistic-regression pipeline on the fold's train rows (with their weights) and scores ``accuracy`` /
  ``f1_macro`` on its val rows; detection trains ``object_detection.kfold_epochs`` epochs from the
  architecture YAML (``object_detection.model``; never the champion) and scores the last epoch's ``map50`` /
  ``map50_95`` on the val fold, as :func:`~ai_models.object_detection.kfold_detector` does. Its ``work_dir``
  (the fold's own folder, emptied first) keeps only ``result.json`` = the returned dict
  ``{"fold", "n_train", "n_val", <metrics>}``.
* :func:`aggregate` — once, over all fold results: writes ``metrics/kfold.json`` =
  ``{"k", "folds", "mean", "std"}`` (+ ``"skipped"``; ``dvc metrics show`` shows k, mean and std, five columns:
  it leaves lists such as ``folds`` out, and per fold the scores are in the files below), the shape of
  :func:`~ai_models.text_classification.kfold_evaluate` (population std, 6 decimals), ``kfold_results.csv``
  (``fold,n_train,n_val,<metrics>``, one row per fold) and ``plots/kfold.csv`` (WIDE: ``fold,<metrics>``, one
  row per fold; the promotion-style metric is the last column, ``f1_macro`` / ``map50_95``, which is what dvc
  plots draws by default). dvc.yaml usage::

      plots:
        - plots/kfold.csv:
            cache: false
            x: fold            # y defaults to the last column; or y: f1_macro (text) / map50_95 (detection)

* :func:`run` — what ``dvc repro`` runs: every fold sequentially into ``work_dir/fold-<i>``, then aggregate.

    python -m ai_models.stages.kfold_model_training --params params.yaml --raw data/raw \
      --folds data/kfold/folds.json --work data/kfold-work --metrics metrics/kfold.json \
      --table kfold_results.csv --plot plots/kfold.csv
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ai_models.stages.common import (
    METRIC_KEYS,
    TEXT,
    clean_dir,
    finite,
    load_stage_params,
    print_result,
    project_text_model,
    read_json,
    remove_files,
    stage_parser,
    write_csv,
    write_json,
)
from ai_models.stages.raw import detection_examples, read_raw, text_examples

DECIMALS = 6
RESULT = "result.json"
_COUNT_KEYS = ("fold", "n_train", "n_val")


def _fold_spec(folds_file: Path, fold: int) -> tuple[dict[str, Any], dict[str, Any]]:
    folds = read_json(folds_file)
    if folds.get("skipped") or not folds.get("k"):
        raise ValueError(f"{folds_file}: k-fold cross-validation was skipped ({folds.get('skipped')}); no fold {fold}.")
    matching = [f for f in folds["folds"] if int(f["fold"]) == int(fold)]
    if not matching:
        raise ValueError(f"{folds_file}: no fold {fold} (k={folds['k']}).")
    return folds, matching[0]


def train_fold(raw_dir: Path, folds_file: Path, fold: int, work_dir: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Train fold ``fold`` of ``folds_file`` in ``work_dir`` (emptied first); returns and saves its result."""
    raw = read_raw(raw_dir)
    _, spec = _fold_spec(folds_file, fold)
    work_dir = clean_dir(work_dir)
    train_rows, val_rows = raw.rows_by_id(spec["train"]), raw.rows_by_id(spec["val"])
    result: dict[str, Any] = {"fold": int(fold), "n_train": len(train_rows), "n_val": len(val_rows)}
    if raw.task == TEXT:
        from ai_models.params import TextParams
        from ai_models.text_classification import evaluate, train_text_classifier

        p = TextParams.from_params(params)
        model = train_text_classifier(text_examples(train_rows), raw.labels, p)
        metrics = evaluate(model, text_examples(val_rows), raw.labels)
        result.update({key: metrics[key] for key in METRIC_KEYS[TEXT]})
    else:
        from ai_models.object_detection import DetectionParams, train_detector

        p = DetectionParams.from_params(params)
        trained = train_detector(
            detection_examples(raw.root, train_rows),
            raw.labels,
            p,
            work_dir=work_dir / "train",
            epochs=p.kfold_epochs,
            val_examples=detection_examples(raw.root, val_rows),
        )
        last = trained.per_epoch[-1] if trained.per_epoch else {}
        result.update({key: round(float(last.get(key, 0.0)), DECIMALS) for key in METRIC_KEYS[raw.task]})
        shutil.rmtree(work_dir / "train", ignore_errors=True)
    write_json(work_dir / RESULT, result)
    return result


def _metric_keys(fold_results: Sequence[dict[str, Any]]) -> list[str]:
    keys = [k for k in fold_results[0] if k not in _COUNT_KEYS] if fold_results else []
    for known in METRIC_KEYS.values():
        if set(keys) == set(known):
            return list(known)  # canonical order: the headline metric last
    return sorted(keys)


def _values(results: Sequence[dict[str, Any]], key: str) -> list[float]:
    return [float("nan") if r[key] is None else float(r[key]) for r in results]


def aggregate(
    fold_results: Sequence[dict[str, Any]],
    out_metrics: Path,
    out_table: Path,
    out_plot: Path,
    *,
    folds_file: Path | None = None,
) -> dict[str, Any]:
    """Combine fold results (any order) into kfold.json / the table / the plot file; returns kfold.json's dict.

    With ``folds_file``, checks that every fold it lists is present exactly once, and carries its
    ``skipped`` reason over when cross-validation was skipped (then ``fold_results`` is empty).
    """
    import numpy as np

    results = sorted((dict(r) for r in fold_results), key=lambda r: int(r["fold"]))
    numbers = [int(r["fold"]) for r in results]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"Duplicate fold results: folds {numbers}")
    skipped = None
    if folds_file is not None:
        folds = read_json(folds_file)
        skipped = folds.get("skipped")
        expected = [int(f["fold"]) for f in folds.get("folds", [])]
        if numbers != sorted(expected):
            raise ValueError(f"Fold results {numbers} do not match the folds of {folds_file}: {sorted(expected)}")
    keys = _metric_keys(results)
    remove_files(out_metrics, out_table, out_plot)
    if results:
        summary: dict[str, Any] = {
            "k": len(results),
            "folds": results,
            "mean": {key: round(float(np.mean(_values(results, key))), DECIMALS) for key in keys},
            "std": {key: round(float(np.std(_values(results, key))), DECIMALS) for key in keys},
        }
        summary = finite(summary)  # a NaN fold score makes its mean/std null, in the file and in the database
    else:
        summary = {"k": 0, "folds": [], "mean": {}, "std": {}, "skipped": skipped or "no fold results"}
    write_json(out_metrics, summary)
    write_csv(out_table, [*_COUNT_KEYS, *keys], ([r[c] for c in (*_COUNT_KEYS, *keys)] for r in results))
    write_csv(out_plot, ["fold", *keys], ([r["fold"], *(r[key] for key in keys)] for r in results))
    return summary


def run(
    raw_dir: Path,
    folds_file: Path,
    work_dir: Path,
    out_metrics: Path,
    out_table: Path,
    out_plot: Path,
    params: dict[str, Any],
    on_fold: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Train every fold of ``folds_file`` in turn (in ``work_dir/fold-<i>``; ``work_dir`` emptied first), then
    :func:`aggregate`. ``on_fold(i, k)`` is called before fold ``i``. Returns kfold.json's dict."""
    folds = read_json(folds_file)
    work_dir = clean_dir(work_dir)
    results = []
    specs = [] if folds.get("skipped") else folds.get("folds", [])
    for spec in specs:
        i = int(spec["fold"])
        if on_fold is not None:
            on_fold(i, int(folds["k"]))
        results.append(train_fold(raw_dir, folds_file, i, work_dir / f"fold-{i}", params))
    return aggregate(results, out_metrics, out_table, out_plot, folds_file=folds_file)


def main(argv: list[str] | None = None) -> int:
    parser = stage_parser(__doc__)
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--folds", type=Path, default=Path("data/kfold/folds.json"))
    parser.add_argument("--work", type=Path, default=Path("data/kfold-work"))
    parser.add_argument("--metrics", type=Path, default=Path("metrics/kfold.json"))
    parser.add_argument("--table", type=Path, default=Path("kfold_results.csv"))
    parser.add_argument("--plot", type=Path, default=Path("plots/kfold.csv"))
    args = parser.parse_args(argv)
    summary = run(args.raw, args.folds, args.work, args.metrics, args.table, args.plot,
                  project_text_model(load_stage_params(args.params), args.raw))
    print_result({k: summary[k] for k in ("k", "mean", "std", "skipped") if k in summary})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
