"""The few-texts scorer gives scikit-learn's probabilities for every TF-IDF setting a pipeline can carry."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from ai_models import tfidf_scorer
from ai_models.params import TextParams
from ai_models.text_classification import TextExample, predict_texts, train_text_classifier

WORDS = {
    "billing": ["refund", "invoice", "charged", "card", "payment", "twice", "amount", "wrong", "bill", "price"],
    "technical": ["app", "crashes", "error", "saving", "screen", "freezes", "update", "login", "password", "bug"],
    "shipping": ["parcel", "arrived", "tracking", "courier", "package", "lost", "delivery", "late", "address", "box"],
    "account": ["profile", "email", "username", "delete", "settings", "privacy", "name", "change", "verify", "account"],
}
COMMON = ["the", "my", "is", "on", "a", "please", "help", "not", "again", "today"]


def _corpus(labels: list[str], n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, ys = [], []
    for i in range(n):
        label = labels[i % len(labels)]
        words = rng.choices(WORDS[label], k=rng.randint(2, 7)) + rng.choices(COMMON, k=rng.randint(0, 4))
        if rng.random() < 0.2:  # a word of another label: not every text is easy
            words.append(rng.choice(WORDS[rng.choice(labels)]))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + rng.choice(["", ".", "!", " ?"]))
        ys.append(label)
    return texts, ys


# Texts the scorer must get right beyond the corpus: no known term, empty, repeated terms, accents and case.
EDGE = ["", "zzz qqq", "Invoice INVOICE invoice invoice", "Café crème déjà-vu parcel", "   ", "refund!!! ???",
        "the the the the", "lost lost package package package"]


@pytest.mark.parametrize("labels", [["billing", "technical", "shipping", "account"], ["billing", "shipping"]],
                         ids=["four classes", "two classes"])
@pytest.mark.parametrize("vectorizer", [
    {"sublinear_tf": True, "ngram_range": (1, 2)},  # what build_pipeline fits
    {"sublinear_tf": False},
    {"binary": True, "ngram_range": (1, 3)},
    {"use_idf": False, "norm": "l1"},
    {"norm": None, "stop_words": "english"},
    {"max_features": 15, "min_df": 2, "strip_accents": "unicode", "lowercase": False},
    {"analyzer": "char_wb", "ngram_range": (2, 4)},
], ids=lambda v: ",".join(f"{k}={v[k]}" for k in v))
def test_equals_scikit_learn(labels, vectorizer):
    texts, ys = _corpus(labels, 120, seed=len(labels))
    model = Pipeline([("tfidf", TfidfVectorizer(**vectorizer)), ("lr", LogisticRegression(C=3.0, max_iter=500))])
    model.fit(texts, ys)
    scorer = tfidf_scorer.tfidf_scorer(model)
    assert scorer is not None
    probe, _ = _corpus(labels, 60, seed=99)
    probe += EDGE
    expected = model.predict_proba(probe)
    got = scorer.predict_proba(probe)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-12)


def test_predict_texts_the_same_for_few_texts_and_many():
    """predict_texts takes the scorer up to FEW_TEXTS texts and scikit-learn above: the same answers either way."""
    labels = ["billing", "technical", "shipping"]
    texts, ys = _corpus(labels, 150, seed=5)
    model = train_text_classifier([TextExample(t, y) for t, y in zip(texts, ys, strict=True)], labels,
                                  TextParams(k_folds=2))
    probe, _ = _corpus(labels, tfidf_scorer.FEW_TEXTS + 44, seed=11)
    many = predict_texts(model, probe, labels)  # above FEW_TEXTS: scikit-learn
    assert len(probe) > tfidf_scorer.FEW_TEXTS and tfidf_scorer.tfidf_scorer(model) is not None
    few = [p for start in range(0, len(probe), 7) for p in predict_texts(model, probe[start:start + 7], labels)]
    assert [p.label for p in few] == [p.label for p in many]
    for a, b in zip(few, many, strict=True):
        assert a.probabilities == pytest.approx(b.probabilities, abs=2e-6)  # rounded to 6 decimals each side


def test_only_exact_tfidf_and_logistic_regression_pipelines():
    texts, ys = _corpus(["billing", "shipping"], 40, seed=1)

    class OwnVectorizer(TfidfVectorizer):
        pass

    others = [
        Pipeline([("tfidf", OwnVectorizer()), ("lr", LogisticRegression())]),  # a subclass may change transform
        Pipeline([("tfidf", TfidfVectorizer()), ("svm", LinearSVC())]),
        Pipeline([("tfidf", TfidfVectorizer(dtype=np.float32)), ("lr", LogisticRegression())]),
        LogisticRegression(),
    ]
    for model in others[:3]:
        model.fit(texts, ys)
        assert tfidf_scorer.tfidf_scorer(model) is None
    assert tfidf_scorer.tfidf_scorer(others[3]) is None
    # predict_proba falls back to the model's own for every one of them
    fitted = others[2]
    np.testing.assert_array_equal(tfidf_scorer.predict_proba(fitted, texts[:3]), fitted.predict_proba(texts[:3]))
