"""Model tests on the demo data: more labels help, corrections are learned."""

from __future__ import annotations

import pytest
from sklearn.pipeline import Pipeline

from ai_models.demo_data import LABELS
from ai_models.params import TextParams
from ai_models.text_classification import (
    TextExample,
    evaluate,
    predict_texts,
    train_text_classifier,
)

Demo = dict[str, list[dict[str, str]]]
PARAMS = TextParams()


def _examples(rows: list[dict[str, str]]) -> list[TextExample]:
    return [TextExample(r["text"], r["label"]) for r in rows]


@pytest.fixture(scope="module")
def seed_model(demo: Demo) -> Pipeline:
    return train_text_classifier(_examples(demo["labelled"]), LABELS, PARAMS)


def test_more_labelled_data_gives_better_holdout_accuracy(
    demo: Demo, seed_model: Pipeline
) -> None:
    holdout = _examples(demo["holdout"])
    small = evaluate(seed_model, holdout, LABELS)["accuracy"]
    big_model = train_text_classifier(
        _examples(demo["labelled"] + demo["pool"]), LABELS, PARAMS
    )
    big = evaluate(big_model, holdout, LABELS)["accuracy"]
    assert 0.55 <= small <= 0.75
    assert 0.85 <= big <= 0.93
    assert big - small >= 0.12


def test_corrected_examples_are_learned(demo: Demo, seed_model: Pipeline) -> None:
    preds = predict_texts(seed_model, [r["text"] for r in demo["holdout"]], LABELS)
    wrong = [
        r for r, p in zip(demo["holdout"], preds, strict=True) if p.label != r["label"]
    ]
    corrections = _examples(wrong[:5])
    assert len(corrections) == 5
    model = train_text_classifier(
        _examples(demo["labelled"]) + corrections, LABELS, PARAMS
    )
    after = predict_texts(model, [c.text for c in corrections], LABELS)
    assert [p.label for p in after] == [c.label for c in corrections]
