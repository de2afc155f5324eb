"""The detection confusion matrix counts boxes: matched by place whatever their labels, missed, or false."""

from ai_models.boxes import Box
from ai_models.detection.confusion import detection_confusion

LABELS = ["circle", "square"]


def box(label: str, x: float, confidence: float | None = None) -> Box:
    return Box(label, x, 10.0, 20.0, 20.0, confidence)


def test_matches_confusions_misses_and_false_boxes() -> None:
    truth = [[box("circle", 0), box("square", 50)], [box("square", 0)], []]
    predicted = [
        [box("circle", 1, 0.9), box("circle", 51, 0.8)],  # right; a square called a circle
        [box("square", 100, 0.7)],  # nowhere near the square: a false box, and the square missed
        [box("circle", 0, 0.6), box("ghost", 30, 0.9)],  # a false box; a class the project lacks is left out
    ]
    confusion = detection_confusion(predicted, truth, LABELS)
    assert confusion["labels"] == ["circle", "square", "background"]
    assert confusion["matrix"] == [
        [1, 0, 0],  # true circle: predicted circle
        [1, 0, 1],  # true square: once called circle, once missed
        [1, 1, 0],  # nothing there: one circle, one square
    ]
    assert confusion["unit"] == "boxes" and confusion["min_iou"] == 0.5


def test_low_overlap_is_not_a_match() -> None:
    confusion = detection_confusion([[box("circle", 15)]], [[box("circle", 0)]], LABELS)  # IoU 5/35
    assert confusion["matrix"] == [[0, 0, 1], [0, 0, 0], [1, 0, 0]]
    assert detection_confusion([[box("circle", 15)]], [[box("circle", 0)]], LABELS, min_iou=0.1)["matrix"][0][0] == 1
