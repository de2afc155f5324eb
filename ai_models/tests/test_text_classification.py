"""Code tests for training, prediction, evaluation and k-fold on tiny synthetic data."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
import pytest

from ai_models.params import TextParams
from ai_models.text_classification import (
    TextExample,
    build_pipeline,
    evaluate,
    kfold_evaluate,
    predict_texts,
    train_text_classifier,
)

LABELS = ["billing", "technical", "shipping"]
PARAMS = TextParams(k_folds=3)

TINY = [
    TextExample("refund my invoice please", "billing"),
    TextExample("charged twice on my card", "billing"),
    TextExample("invoice amount is wrong", "billing"),
    TextExample("the app crashes on start", "technical"),
    TextExample("error message when saving", "technical"),
    TextExample("screen freezes after update", "technical"),
    TextExample("parcel has not arrived", "shipping"),
    TextExample("tracking number shows nothing", "shipping"),
    TextExample("courier lost the package", "shipping"),
]


def test_build_pipeline_uses_params() -> None:
    pipe = build_pipeline(
        TextParams(ngram_max=3, min_df=2, max_features=10, C=0.5, seed=3)
    )
    vec, lr = (
        pipe.named_steps["tfidfvectorizer"],
        pipe.named_steps["logisticregression"],
    )
    assert vec.sublinear_tf and vec.ngram_range == (1, 3) and vec.min_df == 2
    assert vec.max_features == 10
    assert (lr.C, lr.max_iter, lr.class_weight, lr.random_state) == (
        0.5,
        2000,
        "balanced",
        3,
    )


def test_train_and_predict_probabilities_cover_every_label() -> None:
    two_labels = [e for e in TINY if e.label != "shipping"]
    model = train_text_classifier(two_labels, LABELS, PARAMS)
    preds = predict_texts(
        model, ["refund the invoice", "app crashes", "something else"], LABELS
    )
    assert [p.label for p in preds[:2]] == ["billing", "technical"]
    for p in preds:
        assert list(p.probabilities) == LABELS
        assert p.probabilities["shipping"] == 0.0  # never seen by the model
        assert sum(p.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert p.confidence == max(p.probabilities.values())
        assert p.probabilities[p.label] == p.confidence
        assert all(v == round(v, 6) for v in p.probabilities.values())
    assert predict_texts(model, [], LABELS) == []


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        ([e for e in TINY if e.label == "billing"], "at least 2 distinct labels"),
        ([*TINY, TextExample("hello", "account")], "not in the project's label set"),
        ([], "no training examples"),
    ],
)
def test_training_rejects_bad_label_sets(
    examples: list[TextExample], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        train_text_classifier(examples, LABELS, PARAMS)


def test_sample_weight_flips_a_prediction() -> None:
    conflict = "invoice crashes"

    def predicted(billing_weight: float, technical_weight: float) -> str:
        examples = [
            *TINY,
            TextExample(conflict, "billing", billing_weight),
            TextExample(conflict, "technical", technical_weight),
        ]
        model = train_text_classifier(examples, LABELS, PARAMS)
        return predict_texts(model, [conflict], LABELS)[0].label

    assert predicted(20.0, 1.0) == "billing"
    assert predicted(1.0, 20.0) == "technical"


def test_each_training_refits_a_fresh_vectorizer() -> None:
    first = train_text_classifier(TINY, LABELS, PARAMS)
    other = [
        TextExample("zebra quokka", "billing"),
        TextExample("quokka lemur", "billing"),
        TextExample("walrus narwhal", "technical"),
        TextExample("narwhal okapi", "technical"),
    ]
    second = train_text_classifier(other, LABELS, PARAMS)
    assert first is not second
    vocab1 = first.named_steps["tfidfvectorizer"].vocabulary_
    vocab2 = second.named_steps["tfidfvectorizer"].vocabulary_
    assert "invoice" in vocab1 and "invoice" not in vocab2
    assert "zebra" in vocab2 and "zebra" not in vocab1


class FixedModel:
    """Stand-in model that predicts a fixed class per text (probability 1)."""

    def __init__(self, mapping: dict[str, str], classes: list[str]) -> None:
        self.mapping, self.classes_ = mapping, np.asarray(classes)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.classes_)))
        for i, text in enumerate(texts):
            out[i, list(self.classes_).index(self.mapping[text])] = 1.0
        return out


def test_evaluate_confusion_matrix_rows_true_cols_predicted() -> None:
    labels = ["billing", "technical", "shipping", "account"]
    model = FixedModel(
        {"a": "billing", "b": "technical", "c": "technical"}, ["billing", "technical"]
    )
    examples = [
        TextExample("a", "billing"),
        TextExample("b", "technical"),
        TextExample("c", "shipping"),
    ]
    result: dict[str, Any] = evaluate(model, examples, labels)
    assert result["n"] == 3
    assert result["accuracy"] == pytest.approx(0.666667)
    assert result["confusion_matrix"] == {
        "labels": labels,
        "matrix": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]],
    }
    # macro-F1 over labels present in y_true or y_pred: billing 1, technical 2/3, shipping 0.
    assert result["f1_macro"] == pytest.approx(round((1 + 2 / 3 + 0) / 3, 6))
    assert result["per_class"]["technical"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.666667,
        "support": 1,
    }
    assert result["per_class"]["account"]["support"] == 0


def test_kfold_shape_callbacks_and_determinism() -> None:
    calls: list[tuple[int, int]] = []
    result = kfold_evaluate(
        TINY, LABELS, PARAMS, on_fold=lambda i, k: calls.append((i, k))
    )
    assert result["k"] == 3 and calls == [(0, 3), (1, 3), (2, 3)]
    assert [f["fold"] for f in result["folds"]] == [0, 1, 2]
    assert sum(f["n_val"] for f in result["folds"]) == len(TINY)
    assert all(f["n_train"] + f["n_val"] == len(TINY) for f in result["folds"])
    assert set(result["mean"]) == set(result["std"]) == {"accuracy", "f1_macro"}
    assert "skipped" not in result
    assert kfold_evaluate(TINY, LABELS, PARAMS) == result


def test_kfold_k_limited_by_smallest_class() -> None:
    examples = [*TINY[:2], *TINY[3:]]  # billing has 2 examples
    assert kfold_evaluate(examples, LABELS, TextParams(k_folds=5))["k"] == 2


@pytest.mark.parametrize(
    "examples",
    [[*TINY[:1], *TINY[3:]], [e for e in TINY if e.label == "billing"], []],
)
def test_kfold_skips_when_data_cannot_support_two_folds(
    examples: list[TextExample],
) -> None:
    result = kfold_evaluate(
        examples, LABELS, PARAMS, on_fold=lambda i, k: pytest.fail("called")
    )
    assert result["k"] == 0 and result["folds"] == [] and result["mean"] == {}
    assert result["skipped"]


def test_vocabulary_cut_by_max_features_keeps_plain_ints_and_same_predictions() -> None:
    """max_features leaves numpy ints in scikit-learn's vocabulary; skops writes each as an archive member (minutes
    to save a 50,000-term model). Training stores plain ints: the same terms, indices and probabilities."""
    import skops.io

    params = TextParams(k_folds=3, max_features=12)
    model = train_text_classifier(TINY, LABELS, params)
    vocabulary = model.named_steps["tfidfvectorizer"].vocabulary_
    assert len(vocabulary) == 12 and {type(i) for i in vocabulary.values()} == {int}
    reference = build_pipeline(params).fit([e.text for e in TINY], [e.label for e in TINY])
    assert vocabulary == {t: int(i) for t, i in reference.named_steps["tfidfvectorizer"].vocabulary_.items()}
    texts = ["refund the invoice", "app crashes", "courier parcel"]
    assert np.array_equal(model.predict_proba(texts), reference.predict_proba(texts))
    blob = skops.io.dumps(model)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:  # one member per numpy array, none per vocabulary entry
        assert len(archive.namelist()) < 12
    restored = skops.io.loads(blob)
    assert np.array_equal(restored.predict_proba(texts), model.predict_proba(texts))
