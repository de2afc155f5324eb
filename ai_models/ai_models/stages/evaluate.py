"""Stage evaluate: the new model and the champion, side by side, on the same holdout.

Returns ``{"candidate": {...}, "champion": {...} | null, "champion_number": int | null, "metric": name, "delta":
candidate - champion on that metric | null, "model": the model family}``; the dicts are the output of
:func:`ai_models.text_classification.evaluate` (accuracy, f1_macro, n, per_class, confusion_matrix) or
:func:`ai_models.object_detection.evaluate_detector` (map50, map50_95, n, per_class ap50/ap50_95, confusion_matrix).
``model`` is ``text_classification.model`` (``tfidf_lr`` | ``embedding_lr``) or ``object_detection.model`` (the
YOLO architecture) as trained (``train_summary.json``, else params). Non-finite numbers become ``None``.

Files (:mod:`ai_models.stages.evaluation_files`): ``metrics/holdout.json`` holds only the headline figures (model,
metric, candidate and champion accuracy/f1_macro or map50/map50_95, n, champion_number, delta), so that ``dvc
metrics show`` fits a terminal; the per-class tables and confusion matrices go to plot files in
``out_plots_dir`` (only those files are replaced, the folder is shared with other stages), from which
:func:`~ai_models.stages.evaluation_files.read_evaluation` rebuilds the returned dict exactly:

* ``per_class_f1.csv`` (text) / ``per_class_ap.csv`` (detection): one row per label, the champion's columns
  beside the candidate's (``template: bar_horizontal``, e.g. ``x: f1, y: label``);
* ``confusion_matrix.csv`` and ``champion_confusion_matrix.csv`` (``actual,predicted``, one row per example or
  box pair; ``template: confusion, x: predicted, y: actual``);
* text also ``confusion_matrix.png`` (the candidate's).

The champion: the ``champion_model`` argument when given (text: a fitted pipeline, e.g. loaded by the caller
from MLflow, or a ``.skops`` path; detection: a loaded YOLO model or a ``.pt`` path); else, for detection, the
weights in ``raw_dir/champion/`` (the manifest's ``champion.weights``, else the first ``*.pt`` there); else none
(text champions live in MLflow: the caller passes them in; ``main()`` loads the manifest's champion from the
registry at ``MLFLOW_TRACKING_URI``, see :func:`registry_champion`). The promotion ``metric`` is the ``metric`` argument,
else the manifest's ``promotion_metric``, else ``f1_macro`` (text) / ``map50_95`` (detection).

    python -m ai_models.stages.evaluate --params params.yaml --model models/final --formatted data/formatted \
      --raw data/raw --metrics metrics/holdout.json --plots plots
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ai_models.stages.common import (
    DEFAULT_PROMOTION_METRIC,
    DETECTION,
    METRIC_KEYS,
    TEXT,
    default_tracking_uri,
    finite,
    load_stage_params,
    print_result,
    read_csv,
    read_json,
    remove_files,
    stage_parser,
)
from ai_models.stages.evaluation_files import write_evaluation
from ai_models.stages.model_training import TRAIN_SUMMARY, load_text_model, model_path
from ai_models.stages.raw import CHAMPION, RawData, detection_examples, read_raw, text_examples

HOLDOUT = "holdout.json"
CONFUSION_PNG = "confusion_matrix.png"


def _text_model(model: Any) -> Any:
    return load_text_model(Path(model)) if isinstance(model, str | Path) else model


def _evaluate_text(
    model_dir: Path, formatted_dir: Path, raw: RawData, plots: Path, champion_model: Any, candidate_model: Any
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    from ai_models.text_classification import evaluate
    from ai_models.tracking import _confusion_figure

    rows = [r for r in read_csv(Path(formatted_dir) / "table.csv") if r["split"] == "holdout"]
    examples = text_examples(rows)
    model = candidate_model if candidate_model is not None else load_text_model(model_path(model_dir, TEXT))
    candidate = evaluate(model, examples, raw.labels)
    champion = evaluate(_text_model(champion_model), examples, raw.labels) if champion_model is not None else None
    _confusion_figure(candidate["confusion_matrix"]).savefig(plots / CONFUSION_PNG, metadata={"Software": None})
    return candidate, champion


def _champion_weights(raw: RawData) -> Path | None:
    named = raw.champion_weights()
    if named is not None:
        return named
    found = sorted((raw.root / CHAMPION).glob("*.pt"))
    return found[0] if found else None


def _evaluate_detection(
    model_dir: Path, raw: RawData, params: dict[str, Any], champion_model: Any
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    from ai_models.object_detection import DetectionParams, evaluate_detector

    p = DetectionParams.from_params(params)
    examples = detection_examples(raw.root, raw.holdout)
    champion_source = champion_model if champion_model is not None else _champion_weights(raw)
    with tempfile.TemporaryDirectory(prefix="evaluate-") as tmp:
        candidate = evaluate_detector(model_path(model_dir, DETECTION), examples, raw.labels, p,
                                      work_dir=Path(tmp) / "candidate")
        champion = (
            evaluate_detector(champion_source, examples, raw.labels, p, work_dir=Path(tmp) / "champion")
            if champion_source is not None
            else None
        )
    return candidate, champion


def model_family(model_dir: Path, task: str, params: dict[str, Any]) -> str:
    """``text_classification.model`` or ``object_detection.model`` as trained (the training summary), else as
    ``params`` ask (a caller that evaluates a model it trained in memory)."""
    summary_file = Path(model_dir) / TRAIN_SUMMARY
    summary = read_json(summary_file) if summary_file.is_file() else {}
    if task == TEXT:
        from ai_models.params import TextParams

        return (summary.get("text_model") or {}).get("model") or TextParams.from_params(params).model
    from ai_models.object_detection import DetectionParams

    return ((summary.get("params") or {}).get(DETECTION) or {}).get("model") or DetectionParams.from_params(params).model


def promotion_metric(raw: RawData, metric: str | None = None) -> str:
    name = metric or raw.manifest.get("promotion_metric") or DEFAULT_PROMOTION_METRIC[raw.task]
    if name not in METRIC_KEYS[raw.task]:
        raise ValueError(f"promotion metric for {raw.task} must be one of {METRIC_KEYS[raw.task]}, got {name!r}.")
    return name


def run(
    model_dir: Path,
    formatted_dir: Path,
    raw_dir: Path,
    out_metrics: Path,
    out_plots_dir: Path,
    params: dict[str, Any],
    champion_model: Any = None,
    *,
    metric: str | None = None,
    candidate_model: Any = None,
) -> dict[str, Any]:
    """Evaluate candidate (and champion) on the holdout; writes and returns holdout.json's dict.

    ``candidate_model`` (text): the fitted pipeline that ``model_dir`` holds, when the caller has it in memory."""
    raw = read_raw(raw_dir)
    name = promotion_metric(raw, metric)
    plots = Path(out_plots_dir)
    remove_files(out_metrics, plots / CONFUSION_PNG)
    plots.mkdir(parents=True, exist_ok=True)
    if raw.task == TEXT:
        candidate, champion = _evaluate_text(model_dir, formatted_dir, raw, plots, champion_model, candidate_model)
    else:
        candidate, champion = _evaluate_detection(model_dir, raw, params, champion_model)
    candidate, champion = finite(candidate), finite(champion)
    mine, theirs = candidate.get(name), (champion or {}).get(name)
    result = {
        "candidate": candidate,
        "champion": champion,
        "champion_number": (raw.manifest.get("champion") or {}).get("number") if champion is not None else None,
        "metric": name,
        "delta": round(float(mine) - float(theirs), 6) if mine is not None and theirs is not None else None,
        "model": model_family(model_dir, raw.task, params),
    }
    write_evaluation(result, out_metrics, plots)
    return result


def registry_champion(raw_dir: Path, tracking_uri: str) -> Any:
    """The text champion named by the manifest, loaded from the MLflow registry (None without one, for
    detection, or when it cannot be loaded: then a warning goes to stderr and the gate will ask a human)."""
    raw = read_raw(raw_dir)
    champion = raw.manifest.get("champion") or {}
    if raw.task != TEXT or not champion.get("registered_model_name"):
        return None
    from ai_models import tracking

    try:
        return tracking.load_model(tracking_uri=tracking_uri, name=champion["registered_model_name"],
                                   version=int(champion["registered_version"]))
    except Exception as exc:  # noqa: BLE001 - an unreachable registry must not fail the evaluation
        import sys

        print(f"warning: champion {champion} not loaded from {tracking_uri}: {exc}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = stage_parser(__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/final"))
    parser.add_argument("--formatted", type=Path, default=Path("data/formatted"))
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--metrics", type=Path, default=Path("metrics/holdout.json"))
    parser.add_argument("--plots", type=Path, default=Path("plots"))
    parser.add_argument("--champion", type=Path, default=None,
                        help="champion model file (.skops for text, .pt for detection); default: detection "
                        "raw/champion/, text the manifest's champion from the MLflow registry (MLFLOW_TRACKING_URI)")
    parser.add_argument("--no-registry-champion", action="store_true",
                        help="text: do not load the manifest's champion from MLflow")
    parser.add_argument("--metric", default=None, help="promotion metric (default: manifest's, else per task)")
    args = parser.parse_args(argv)
    champion = args.champion
    if champion is None and not args.no_registry_champion:
        champion = registry_champion(args.raw, default_tracking_uri())
    result = run(args.model, args.formatted, args.raw, args.metrics, args.plots, load_stage_params(args.params),
                 champion_model=champion, metric=args.metric)
    print_result({k: result[k] for k in ("model", "metric", "delta")} | {
        "candidate": {k: v for k, v in result["candidate"].items() if not isinstance(v, dict)},
        "champion": None if result["champion"] is None else {
            k: v for k, v in result["champion"].items() if not isinstance(v, dict)},
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
