"""Text classification: TF-IDF or sentence embeddings + logistic regression; training, prediction and evaluation.

Two model families (``text_classification.model``): ``tfidf_lr`` (a TF-IDF vectorizer refit on every training)
and ``embedding_lr`` (a frozen sentence encoder's unit vectors, :mod:`ai_models.encoders`, cached per text).
Responsible for turning labelled texts (plain dataclasses) into a fitted scikit-learn pipeline,
for per-label probabilities over the *project's* label set, and for holdout / k-fold metrics
as JSON-friendly dicts. No I/O, no tracking, no framework imports.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from ai_models import tfidf_scorer
from ai_models.params import TextParams

DECIMALS = 6
LR_STEP = "logisticregression"
VECTORIZER_STEP = "tfidfvectorizer"
EMBEDDING_STEP = "sentenceembedding"
# Types skops must trust to load an embedding_lr model (mlflow's skops_trusted_types); harmless for tfidf_lr.
SKOPS_TRUSTED_TYPES = ["ai_models.encoders.features.SentenceEmbedding"]


@dataclass(frozen=True)
class TextExample:
    """One labelled training/evaluation text; ``weight`` scales its loss (e.g. expert labels)."""

    text: str
    label: str
    weight: float = 1.0


@dataclass(frozen=True)
class TextPrediction:
    """Prediction for one text: argmax label, its probability, and all project labels' probs."""

    label: str
    confidence: float
    probabilities: dict[str, float]


def _r(x: float) -> float:
    return round(float(x), DECIMALS)


def _logistic_regression(params: TextParams) -> LogisticRegression:
    return LogisticRegression(
        C=params.C, max_iter=params.max_iter, class_weight=params.class_weight, random_state=params.seed
    )


def build_pipeline(params: TextParams) -> Pipeline:
    """A fresh, unfitted pipeline of the ``params.model`` family."""
    if params.model == "embedding_lr":
        from ai_models.encoders.features import SentenceEmbedding

        return Pipeline([(EMBEDDING_STEP, SentenceEmbedding(params.encoder)), (LR_STEP, _logistic_regression(params))])
    return Pipeline(
        [
            (
                VECTORIZER_STEP,
                TfidfVectorizer(
                    sublinear_tf=True,
                    ngram_range=(1, params.ngram_max),
                    min_df=params.min_df,
                    max_features=params.max_features,
                ),
            ),
            (LR_STEP, _logistic_regression(params)),
        ]
    )


def model_metadata(model: Any) -> dict[str, Any]:
    """What a fitted text model is: ``{"model": family, "encoder": {id, fingerprint, files_sha256} | None}``."""
    steps = getattr(model, "named_steps", {})
    if EMBEDDING_STEP in steps:
        return {"model": "embedding_lr", "encoder": steps[EMBEDDING_STEP].metadata()}
    return {"model": "tfidf_lr", "encoder": None}


def _validate_examples(examples: Sequence[TextExample], labels: Sequence[str]) -> None:
    if not examples:
        raise ValueError("Cannot train a text classifier: no training examples.")
    allowed = set(labels)
    unknown = sorted({e.label for e in examples} - allowed)
    if unknown:
        raise ValueError(
            f"Training labels not in the project's label set {list(labels)}: {unknown}"
        )
    distinct = {e.label for e in examples}
    if len(distinct) < 2:
        raise ValueError(
            "Cannot train a text classifier: need examples of at least 2 distinct labels, "
            f"got {len(distinct)} ({sorted(distinct)})."
        )
    bad = [
        e.weight for e in examples if not (math.isfinite(e.weight) and e.weight >= 0)
    ]
    if bad:
        raise ValueError(f"Example weights must be finite and >= 0, got {bad[:5]}")
    if sum(e.weight for e in examples) <= 0:
        raise ValueError("Example weights are all zero: nothing to learn from.")


def train_text_classifier(
    examples: Sequence[TextExample], labels: Sequence[str], params: TextParams
) -> Pipeline:
    """Fit a new pipeline (vectorizer refit from scratch) on ``examples`` with their weights."""
    from threadpoolctl import threadpool_limits

    _validate_examples(examples, labels)
    model = build_pipeline(params)
    # One BLAS thread: lbfgs on sparse TF-IDF gains nothing from more, and BLAS threads spinning against other
    # processes (folds on several workers, a shared machine) made a 50,000-text fit 5x slower (40 s instead of 8).
    with threadpool_limits(limits=1, user_api="blas"):
        model.fit(
            [e.text for e in examples],
            [e.label for e in examples],
            **{
                f"{LR_STEP}__sample_weight": np.asarray(
                    [e.weight for e in examples], dtype=float
                )
            },
        )
    if VECTORIZER_STEP not in model.named_steps:
        return model
    vectorizer = model.named_steps[VECTORIZER_STEP]
    # With max_features cutting the vocabulary, scikit-learn leaves numpy ints as its values (plain ints
    # otherwise). skops saves every numpy scalar as a file of its own and lists the archive for each: at
    # 50,000 terms one save or load took minutes. Same terms, same indices, same predictions.
    vectorizer.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
    return model


def predict_texts(
    model: Any, texts: Sequence[str], labels: Sequence[str]
) -> list[TextPrediction]:
    """Probabilities for every project label (0.0 for labels the model never saw).

    If the model knows classes that are no longer project labels, their mass is dropped and the
    rest renormalised. Ties in the argmax go to the label listed first in ``labels``.
    """
    if not texts:
        return []
    labels = list(labels)
    if not labels:
        raise ValueError(
            "predict_texts needs the project's label list, got an empty one."
        )
    proba = tfidf_scorer.predict_proba(model, texts)
    classes = [str(c) for c in model.classes_]
    full = np.zeros((proba.shape[0], len(labels)))
    index = {label: i for i, label in enumerate(labels)}
    for j, cls in enumerate(classes):
        if cls in index:
            full[:, index[cls]] = proba[:, j]
    totals = full.sum(axis=1, keepdims=True)
    full = np.divide(full, totals, out=np.zeros_like(full), where=totals > 0)
    # Rounded as whole arrays: the closest double to k / 10**DECIMALS, as round() gives (a per-value round()
    # was a third of a 1,000-text request).
    best = np.argmax(full, axis=1).tolist()
    return [
        TextPrediction(
            label=labels[b],
            confidence=row[b],
            probabilities=dict(zip(labels, row, strict=True)),
        )
        for b, row in zip(best, np.round(full, DECIMALS).tolist(), strict=True)
    ]


def evaluate(
    model: Any, examples: Sequence[TextExample], labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class scores and the confusion matrix (rows true, cols predicted)."""
    labels = list(labels)
    unknown = sorted({e.label for e in examples} - set(labels))
    if unknown:
        raise ValueError(
            f"Evaluation labels not in the project's label set {labels}: {unknown}"
        )
    y_true = [e.label for e in examples]
    y_pred = [p.label for p in predict_texts(model, [e.text for e in examples], labels)]
    n = len(examples)
    if n == 0:
        empty = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        return {
            "accuracy": 0.0,
            "f1_macro": 0.0,
            "n": 0,
            "per_class": {label: dict(empty) for label in labels},
            "confusion_matrix": {
                "labels": labels,
                "matrix": [[0] * len(labels) for _ in labels],
            },
        }
    present = [label for label in labels if label in set(y_true) | set(y_pred)]
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return {
        "accuracy": _r(accuracy_score(y_true, y_pred)),
        "f1_macro": _r(
            f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)
        ),
        "n": n,
        "per_class": {
            label: {
                "precision": _r(precision[i]),
                "recall": _r(recall[i]),
                "f1": _r(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion_matrix": {
            "labels": labels,
            "matrix": [[int(v) for v in row] for row in matrix],
        },
    }


def _kfold_skipped(reason: str) -> dict[str, Any]:
    return {"k": 0, "folds": [], "mean": {}, "std": {}, "skipped": reason}


def kfold_evaluate(
    examples: Sequence[TextExample],
    labels: Sequence[str],
    params: TextParams,
    on_fold: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Stratified k-fold cross-validation on the training examples.

    ``k = max(2, min(params.k_folds, smallest class count))``. ``on_fold(i, k)`` is called with
    the 0-based fold index before fold ``i`` is trained. Returns ``{"skipped": reason, "k": 0,
    ...}`` instead of raising when the data cannot support two folds.
    """
    counts = Counter(e.label for e in examples)
    if len(counts) < 2:
        return _kfold_skipped(f"need at least 2 distinct labels, got {len(counts)}")
    smallest_label, smallest = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if smallest < 2:
        return _kfold_skipped(
            f"label '{smallest_label}' has only {smallest} example; need at least 2 per label"
        )
    _validate_examples(examples, labels)
    k = max(2, min(params.k_folds, smallest))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=params.seed)
    y = np.asarray([e.label for e in examples])
    folds: list[dict[str, Any]] = []
    for i, (train_idx, val_idx) in enumerate(splitter.split(np.zeros(len(y)), y)):
        if on_fold is not None:
            on_fold(i, k)
        model = train_text_classifier([examples[j] for j in train_idx], labels, params)
        metrics = evaluate(model, [examples[j] for j in val_idx], labels)
        folds.append(
            {
                "fold": i,
                "n_train": len(train_idx),
                "n_val": len(val_idx),
                "accuracy": metrics["accuracy"],
                "f1_macro": metrics["f1_macro"],
            }
        )
    keys = ("accuracy", "f1_macro")
    return {
        "k": k,
        "folds": folds,
        "mean": {key: _r(np.mean([f[key] for f in folds])) for key in keys},
        "std": {key: _r(np.std([f[key] for f in folds])) for key in keys},
    }
