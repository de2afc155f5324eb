"""Box geometry (property tests) and model-vs-human disagreement flags."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_models.boxes import Box, ciou, disagreement_flags, iou, match_boxes, validate_box

coord = st.floats(min_value=-500, max_value=500, allow_nan=False, allow_infinity=False)
side = st.floats(min_value=0.01, max_value=500, allow_nan=False, allow_infinity=False)
boxes = st.builds(Box, label=st.sampled_from(["a", "b"]), x=coord, y=coord, w=side, h=side)


@given(boxes, boxes)
def test_iou_symmetric_and_bounded(a: Box, b: Box) -> None:
    assert iou(a, b) == iou(b, a)
    assert 0.0 <= iou(a, b) <= 1.0


@given(boxes)
def test_iou_and_ciou_of_a_box_with_itself_are_one(a: Box) -> None:
    assert iou(a, a) == 1.0
    assert ciou(a, a) == 1.0


@given(boxes, st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
def test_iou_zero_for_disjoint_boxes(a: Box, gap_x: float, gap_y: float) -> None:
    right = Box("a", a.x + a.w + gap_x, a.y, a.w, a.h)
    below = Box("a", a.x, a.y + a.h + gap_y, a.w, a.h)
    assert iou(a, right) == 0.0
    assert iou(a, below) == 0.0
    assert ciou(a, right) < 0.0


@given(boxes, boxes)
def test_ciou_symmetric_bounded_and_below_iou(a: Box, b: Box) -> None:
    assert math.isclose(ciou(a, b), ciou(b, a), abs_tol=1e-12)
    assert -1.0 <= ciou(a, b) <= iou(a, b) <= 1.0


def test_ciou_known_value() -> None:
    # same size, shifted by half a width: IoU 1/3, centres 5 apart, enclosing 15x10
    a, b = Box("a", 0, 0, 10, 10), Box("a", 5, 0, 10, 10)
    assert iou(a, b) == pytest.approx(1 / 3)
    assert ciou(a, b) == pytest.approx(1 / 3 - 25 / (15**2 + 10**2))


def test_ciou_ranks_disjoint_boxes_by_distance() -> None:
    a = Box("a", 0, 0, 10, 10)
    assert ciou(a, Box("a", 20, 0, 10, 10)) > ciou(a, Box("a", 200, 0, 10, 10))


@settings(deadline=None)  # the first call imports scipy
@given(st.lists(boxes, max_size=6), st.lists(boxes, max_size=6))
def test_match_boxes_is_one_to_one(model: list[Box], human: list[Box]) -> None:
    matches, free_model, free_human = match_boxes(model, human, min_iou=0.1)
    model_idx = [m.model_index for m in matches]
    human_idx = [m.human_index for m in matches]
    assert len(set(model_idx)) == len(model_idx) and len(set(human_idx)) == len(human_idx)
    assert sorted(model_idx + free_model) == list(range(len(model)))
    assert sorted(human_idx + free_human) == list(range(len(human)))
    assert all(m.iou >= 0.1 for m in matches)


def test_match_boxes_is_optimal_not_greedy() -> None:
    # greedy would pair model 0 with human 0 (best single IoU) and leave model 1 unmatched
    model = [Box("a", 0, 0, 10, 10), Box("a", 6, 0, 10, 10)]
    human = [Box("a", 3, 0, 10, 10), Box("a", -4, 0, 10, 10)]
    matches, free_model, free_human = match_boxes(model, human, min_iou=0.3)
    assert {(m.model_index, m.human_index) for m in matches} == {(0, 1), (1, 0)}
    assert free_model == free_human == []


def test_match_boxes_ignores_labels_and_respects_min_iou() -> None:
    model = [Box("cat", 0, 0, 10, 10)]
    assert match_boxes(model, [Box("dog", 1, 1, 10, 10)])[0][0].human_index == 0
    assert match_boxes(model, [Box("cat", 9, 9, 10, 10)], min_iou=0.1) == ([], [0], [0])
    assert match_boxes([], []) == ([], [], [])


MODEL = [
    Box("cat", 10, 10, 40, 40, confidence=0.9),
    Box("dog", 100, 100, 30, 30, confidence=0.6),
]


def test_identical_boxes_give_no_flags() -> None:
    human = [Box(b.label, b.x, b.y, b.w, b.h) for b in MODEL]
    assert disagreement_flags(MODEL, human) == []
    assert disagreement_flags([], []) == []


def test_moved_box_is_low_overlap() -> None:
    human = [Box("cat", 30, 10, 40, 40), MODEL[1]]
    flags = disagreement_flags(MODEL, human)
    assert [f["flag"] for f in flags] == ["low_overlap"]
    flag = flags[0]
    assert (flag["model_index"], flag["human_index"]) == (0, 0)
    assert flag["iou"] == round(iou(MODEL[0], human[0]), 6) == pytest.approx(1 / 3, abs=1e-6)
    assert flag["ciou"] == round(ciou(MODEL[0], human[0]), 6)


def test_relabelled_box_is_label_changed() -> None:
    human = [MODEL[0], Box("fox", 100, 100, 30, 30)]
    assert disagreement_flags(MODEL, human) == [
        {"flag": "label_changed", "model_index": 1, "human_index": 1, "from": "dog", "to": "fox"}
    ]


def test_deleted_boxes_are_false_positives_and_confident_removals() -> None:
    assert disagreement_flags(MODEL, [MODEL[0]]) == [{"flag": "false_positive", "model_index": 1, "confidence": 0.6}]
    assert disagreement_flags(MODEL, [MODEL[1]]) == [
        {"flag": "false_positive", "model_index": 0, "confidence": 0.9},
        {"flag": "confident_removal", "model_index": 0, "confidence": 0.9},
    ]
    flags = disagreement_flags(MODEL, [], confident_removal=0.5)
    assert [(f["flag"], f["model_index"]) for f in flags] == [
        ("false_positive", 0),
        ("confident_removal", 0),
        ("false_positive", 1),
        ("confident_removal", 1),
    ]


def test_drawn_box_is_missed() -> None:
    human = [*MODEL, Box("cat", 200, 10, 20, 20)]
    assert disagreement_flags(MODEL, human) == [{"flag": "missed", "human_index": 2}]
    assert disagreement_flags([], human[:1]) == [{"flag": "missed", "human_index": 0}]


def test_validate_box() -> None:
    validate_box(Box("cat", 0, 0, 100, 50), 100, 50)
    validate_box(Box("cat", -0.4, 0, 100.8, 50.4), 100, 50)  # within the 0.5 px tolerance
    bad = {
        "positive": Box("cat", 0, 0, 0, 10),
        "outside": Box("cat", 90, 0, 20, 10),
        "finite": Box("cat", math.nan, 0, 10, 10),
        "non-empty": Box("", 0, 0, 10, 10),
        "confidence": Box("cat", 0, 0, 10, 10, confidence=1.5),
    }
    for words, box in bad.items():
        with pytest.raises(ValueError, match=words):
            validate_box(box, 100, 50)
