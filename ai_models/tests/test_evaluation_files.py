"""The evaluate stage's files: a headline metrics file that `dvc metrics show` keeps narrow, per-class plot files,
and the whole evaluation read back from the two without loss, including numbers JSON cannot hold."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ai_models.stages.common import read_csv, write_json
from ai_models.stages.evaluation_files import headline, read_evaluation, write_evaluation

LABELS = ["circle", "square"]


def _detection(ap_square: float, matrix: list[list[int]]) -> dict[str, Any]:
    return {"map50": 0.61, "map50_95": 0.42, "n": 3,
            "per_class": {"circle": {"ap50": 0.7, "ap50_95": 0.5}, "square": {"ap50": 0.52, "ap50_95": ap_square}},
            "confusion_matrix": {"labels": [*LABELS, "background"], "matrix": matrix, "unit": "boxes",
                                 "min_iou": 0.5}}


def _leaves(data: Any) -> int:
    """What `dvc metrics show` makes columns of: every scalar reached through dicts (lists are left out)."""
    if isinstance(data, dict):
        return sum(_leaves(v) for v in data.values())
    return 0 if isinstance(data, list) else 1


def test_detection_round_trip_with_champion(tmp_path: Path) -> None:
    result = {"candidate": _detection(0.34, [[2, 0, 1], [1, 1, 0], [0, 2, 0]]),
              "champion": _detection(0.3, [[1, 0, 2], [0, 2, 0], [1, 0, 0]]),
              "champion_number": 4, "metric": "map50_95", "delta": 0.0, "model": "yolo11n.yaml"}
    write_evaluation(result, tmp_path / "metrics/holdout.json", tmp_path / "plots")
    metrics = json.loads((tmp_path / "metrics/holdout.json").read_text())
    assert metrics == {"model": "yolo11n.yaml", "metric": "map50_95", "champion_number": 4, "delta": 0.0,
                       "candidate": {"map50": 0.61, "map50_95": 0.42, "n": 3},
                       "champion": {"map50": 0.61, "map50_95": 0.42}}
    assert _leaves(metrics) <= 10
    table = read_csv(tmp_path / "plots/per_class_ap.csv")
    assert table == [
        {"label": "circle", "ap50": "0.7", "ap50_95": "0.5", "champion_ap50": "0.7", "champion_ap50_95": "0.5"},
        {"label": "square", "ap50": "0.52", "ap50_95": "0.34", "champion_ap50": "0.52", "champion_ap50_95": "0.3"}]
    boxes = read_csv(tmp_path / "plots/confusion_matrix.csv")
    assert len(boxes) == 7 and boxes.count({"actual": "square", "predicted": "circle"}) == 1
    assert boxes.count({"actual": "background", "predicted": "square"}) == 2
    assert len(read_csv(tmp_path / "plots/champion_confusion_matrix.csv")) == 6
    assert read_evaluation(tmp_path / "metrics/holdout.json", tmp_path / "plots") == result


def test_non_finite_numbers_become_null_and_come_back_as_none(tmp_path: Path) -> None:
    result = {"candidate": _detection(math.nan, [[0, 0, 0], [0, 0, 0], [0, 0, 0]]), "champion": None,
              "champion_number": None, "metric": "map50_95", "delta": None, "model": "yolo11n.yaml"}
    result["candidate"]["map50"] = math.inf
    write_evaluation(result, tmp_path / "holdout.json", tmp_path / "plots")
    text = (tmp_path / "holdout.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["candidate"]["map50"] is None
    assert read_csv(tmp_path / "plots/per_class_ap.csv")[1]["ap50_95"] == ""
    back = read_evaluation(tmp_path / "holdout.json", tmp_path / "plots")
    assert back["candidate"]["map50"] is None and back["candidate"]["per_class"]["square"]["ap50_95"] is None
    assert back["candidate"]["per_class"]["circle"] == {"ap50": 0.7, "ap50_95": 0.5}
    assert back["candidate"]["confusion_matrix"]["matrix"] == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
    write_json(tmp_path / "k.json", {"mean": {"map50": float("nan")}, "folds": [{"map50": -math.inf}]})
    assert json.loads((tmp_path / "k.json").read_text()) == {"mean": {"map50": None}, "folds": [{"map50": None}]}


def test_headline_of_a_text_evaluation_is_nine_columns() -> None:
    per_class = {label: {"precision": 1.0, "recall": 0.5, "f1": 0.666667, "support": 2} for label in LABELS}
    scores = {"accuracy": 0.5, "f1_macro": 0.666667, "n": 4, "per_class": per_class,
              "confusion_matrix": {"labels": LABELS, "matrix": [[1, 1], [1, 1]]}}
    result = {"candidate": scores, "champion": scores, "champion_number": 1, "metric": "f1_macro", "delta": 0.0,
              "model": "embedding_lr"}
    assert _leaves(headline(result)) == 9 and headline(result)["model"] == "embedding_lr"


def test_a_metrics_file_written_before_the_split_is_read_as_it_is(tmp_path: Path) -> None:
    full = {"candidate": _detection(0.3, [[1, 0, 0], [0, 1, 0], [0, 0, 0]]), "champion": None,
            "champion_number": None, "metric": "map50_95", "delta": None}
    write_json(tmp_path / "holdout.json", full)
    assert read_evaluation(tmp_path / "holdout.json", tmp_path / "no-plots") == full
