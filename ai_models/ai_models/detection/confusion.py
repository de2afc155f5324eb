"""The detection confusion matrix of a model card: boxes on the holdout images, not images.

Each image's predicted boxes (at the serving confidence threshold) are matched one-to-one to its true boxes by IoU,
label-agnostic (ai_models.boxes.match_boxes), so that a box drawn in the right place with the wrong label counts as a
confusion between the two labels. A true box left unmatched is counted in the "background" column (missed), a
predicted box left unmatched in the "background" row (a false box). Rows: true label; columns: predicted label.
"""

from __future__ import annotations

from collections.abc import Sequence

from ai_models.boxes import Box, match_boxes

BACKGROUND = "background"
MIN_IOU = 0.5


def detection_confusion(
    predicted: Sequence[Sequence[Box]], truth: Sequence[Sequence[Box]], labels: Sequence[str], *, min_iou: float = MIN_IOU
) -> dict:
    """``{"labels": [*labels, "background"], "matrix": rows true / columns predicted, "unit": "boxes", "min_iou"}``.

    Boxes whose label is not one of ``labels`` (a class the project no longer has) are left out.
    """
    names = [*labels, BACKGROUND]
    index = {name: i for i, name in enumerate(labels)}
    background = len(labels)
    matrix = [[0] * len(names) for _ in names]
    for model, human in zip(predicted, truth, strict=True):
        model = [b for b in model if b.label in index]
        human = [b for b in human if b.label in index]
        matches, extra, missed = match_boxes(model, human, min_iou=min_iou)
        for match in matches:
            matrix[index[human[match.human_index].label]][index[model[match.model_index].label]] += 1
        for i in extra:
            matrix[background][index[model[i].label]] += 1
        for j in missed:
            matrix[index[human[j].label]][background] += 1
    return {"labels": names, "matrix": matrix, "unit": "boxes", "min_iou": min_iou}
