"""The evaluate stage's files: headline figures in ``metrics/holdout.json``, everything per class in DVC plots.

Why two places: ``dvc metrics show`` / ``dvc exp show`` flatten every scalar of a metrics file into a column, so
per-class scores of the candidate and the champion made about fifty columns. The metrics file keeps what one
compares experiments on (:func:`headline`, nine columns), and the per-class tables and confusion matrices go to
plot files that ``dvc plots show`` draws (dvc.yaml's top-level ``plots:``):

* ``per_class_f1.csv`` (text: ``label,precision,recall,f1,support,champion_precision,...``) or
  ``per_class_ap.csv`` (detection: ``label,ap50,ap50_95,champion_ap50,champion_ap50_95``), one row per project
  label in label order; the champion's columns are empty without a champion;
* ``confusion_matrix.csv`` and, with a champion, ``champion_confusion_matrix.csv``: ``actual,predicted``, one row
  per holdout example (text) or per box pair (detection, ``background`` = a missed box or a box with nothing
  there), for dvc's ``confusion`` template.

The files hold the evaluation without loss: :func:`read_evaluation` rebuilds exactly the dict that
:func:`ai_models.stages.evaluate.run` returned, which is what the register stage and ``manage.py
propose_candidate`` read (MLflow's per-class metrics, the model card, the gate). Non-finite numbers are written
as ``null`` in JSON and as empty cells in CSV, and read back as ``None``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ai_models.stages.common import (
    DETECTION,
    METRIC_KEYS,
    TEXT,
    finite,
    read_csv,
    read_json,
    remove_files,
    write_csv,
    write_json,
)

__all__ = ["headline", "read_evaluation", "write_evaluation"]

PER_CLASS = {TEXT: "per_class_f1.csv", DETECTION: "per_class_ap.csv"}
PER_CLASS_KEYS = {TEXT: ("precision", "recall", "f1", "support"), DETECTION: ("ap50", "ap50_95")}
CONFUSION_CSV = "confusion_matrix.csv"
CHAMPION_CONFUSION_CSV = "champion_confusion_matrix.csv"
CHAMPION_PREFIX = "champion_"
PLOT_FILES = (*PER_CLASS.values(), CONFUSION_CSV, CHAMPION_CONFUSION_CSV)


def task_of(result: dict[str, Any]) -> str:
    return DETECTION if "map50" in (result.get("candidate") or {}) else TEXT


def headline(result: dict[str, Any]) -> dict[str, Any]:
    """What ``metrics/holdout.json`` holds: the model family, the promotion metric, the candidate's and champion's
    overall scores (the champion's ``n`` is the candidate's: same holdout), the champion's number and the delta."""
    keys = METRIC_KEYS[task_of(result)]
    candidate, champion = result["candidate"], result.get("champion")
    return {
        "model": result.get("model"),
        "metric": result["metric"],
        "candidate": {**{k: candidate.get(k) for k in keys}, "n": candidate.get("n")},
        "champion": None if champion is None else {k: champion.get(k) for k in keys},
        "champion_number": result.get("champion_number"),
        "delta": result.get("delta"),
    }


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _confusion_rows(confusion: dict[str, Any]) -> list[tuple[str, str]]:
    labels, matrix = confusion["labels"], confusion["matrix"]
    return [(labels[i], labels[j]) for i, row in enumerate(matrix) for j, count in enumerate(row) for _ in range(count)]


def write_evaluation(result: dict[str, Any], metrics_file: Path, plots_dir: Path) -> None:
    """Write ``result`` (evaluate's full dict) as the headline metrics file and the plot files described in the
    module doc; non-finite numbers as null / empty cells. Only these files are replaced: ``plots_dir`` is shared."""
    result = finite(result)
    task = task_of(result)
    plots = Path(plots_dir)
    remove_files(metrics_file, *(plots / name for name in PLOT_FILES))
    candidate, champion = result["candidate"], result.get("champion")
    keys = PER_CLASS_KEYS[task]
    rows = []
    for label, scores in candidate["per_class"].items():
        theirs = (champion or {}).get("per_class", {}).get(label, {})
        rows.append([label, *(_cell(scores.get(k)) for k in keys), *(_cell(theirs.get(k)) for k in keys)])
    write_csv(plots / PER_CLASS[task], ("label", *keys, *(CHAMPION_PREFIX + k for k in keys)), rows)
    write_csv(plots / CONFUSION_CSV, ("actual", "predicted"), _confusion_rows(candidate["confusion_matrix"]))
    if champion is not None:
        write_csv(plots / CHAMPION_CONFUSION_CSV, ("actual", "predicted"), _confusion_rows(champion["confusion_matrix"]))
    write_json(metrics_file, headline(result))


def _number(text: str) -> int | float | None:
    if text == "":
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _confusion(path: Path, labels: list[str], task: str) -> dict[str, Any]:
    from ai_models.detection.confusion import BACKGROUND, MIN_IOU

    names = [*labels, BACKGROUND] if task == DETECTION else list(labels)
    counts = Counter((r["actual"], r["predicted"]) for r in read_csv(path))
    unknown = {name for pair in counts for name in pair} - set(names)
    if unknown:
        raise ValueError(f"{path}: labels {sorted(unknown)} are not in the per-class table's {names}.")
    confusion: dict[str, Any] = {"labels": names, "matrix": [[counts[(a, p)] for p in names] for a in names]}
    if task == DETECTION:
        confusion.update(unit="boxes", min_iou=MIN_IOU)
    return confusion


def read_evaluation(metrics_file: Path, plots_dir: Path) -> dict[str, Any]:
    """The full evaluation (the dict :func:`ai_models.stages.evaluate.run` returned) from the headline metrics
    file and the plot files beside it: candidate and champion with ``per_class`` and ``confusion_matrix``."""
    head = read_json(metrics_file)
    if "per_class" in (head.get("candidate") or {}):  # written before the split: already complete
        return head
    task = task_of(head)
    plots = Path(plots_dir)
    table = read_csv(plots / PER_CLASS[task])
    labels = [r["label"] for r in table]
    keys = PER_CLASS_KEYS[task]
    candidate = {**head["candidate"], "per_class": {r["label"]: {k: _number(r[k]) for k in keys} for r in table},
                 "confusion_matrix": _confusion(plots / CONFUSION_CSV, labels, task)}
    champion = head.get("champion")
    if champion is not None:
        champion = {**champion, "n": candidate.get("n"),
                    "per_class": {r["label"]: {k: _number(r[CHAMPION_PREFIX + k]) for k in keys} for r in table},
                    "confusion_matrix": _confusion(plots / CHAMPION_CONFUSION_CSV, labels, task)}
    return {**head, "candidate": candidate, "champion": champion}
