"""ai_models.selection: the uncertainty scores stored with each prediction, and the pool orders (diverse, coverage)."""
import math

import pytest

from ai_models.selection import coverage_order, detection_scores, diverse_order, text_scores


def test_text_scores_are_margin_and_entropy():
    margin, entropy = text_scores({"a": 0.5, "b": 0.3, "c": 0.2})
    assert margin == pytest.approx(0.2)
    assert entropy == pytest.approx(-(0.5 * math.log(0.5) + 0.3 * math.log(0.3) + 0.2 * math.log(0.2)), abs=1e-6)
    assert text_scores({"a": 1.0, "b": 0.0}) == (1.0, 0.0)  # certain: widest margin, no entropy
    assert text_scores({"a": 0.5, "b": 0.5}) == (0.0, round(math.log(2), 6))


def test_detection_scores_treat_each_box_as_a_yes_no_decision():
    margin, entropy = detection_scores([0.9, 0.55])
    assert margin == pytest.approx(0.1)  # the most torn box: |2 * 0.55 - 1|

    def h(c):
        return -(c * math.log(c) + (1 - c) * math.log(1 - c))

    assert entropy == pytest.approx(h(0.9) + h(0.55), abs=1e-6)  # doubt adds up over boxes
    assert detection_scores([]) == (0.0, round(math.log(2), 6))  # no box: one box at 0.5, as its confidence
    assert detection_scores([1.0]) == (1.0, 0.0)


TOPICS = [[f"{core} {extra}" for extra in extras] for core, extras in [
    ("invoice refund payment", ["twice", "receipt", "fee", "price", "late"]),
    ("parcel courier delivery", ["late", "address", "tracking", "damaged", "lost"]),
    ("password login account", ["locked", "reset", "email", "code", "expired"])]]


def test_diverse_order_interleaves_clusters_most_uncertain_first():
    texts = [t for topic in TOPICS for t in topic]
    topic_of = [i // 5 for i in range(15)]
    uncertainty = [0.9 - 0.01 * i if topic_of[i] == 0 else 0.5 - 0.01 * i for i in range(15)]
    order = diverse_order(texts, uncertainty, seed=3, k=3)
    assert sorted(order) == list(range(15))
    assert order[:3] == [0, 5, 10]  # each cluster's most uncertain, the most uncertain cluster first
    assert order == [i + 5 * t for i in range(5) for t in range(3)]
    assert diverse_order(texts, uncertainty, seed=3, k=3) == order  # deterministic
    with pytest.raises(ValueError):
        diverse_order(texts, uncertainty[:-1])


def test_coverage_order_starts_with_one_representative_per_cluster():
    texts = [t for topic in TOPICS for t in topic]
    order = coverage_order(texts, seed=1, k=3)
    assert sorted(order) == list(range(15))
    assert {i // 5 for i in order[:3]} == {0, 1, 2}
    assert coverage_order(texts[:2]) == [0, 1] and coverage_order([]) == []


def test_given_vectors_are_what_is_clustered():
    """Texts that share no word but whose vectors say they belong together (an encoder's paraphrases)."""
    texts = ["refund please", "money back", "where is my parcel", "delivery status", "reset password", "cannot log in"]
    vectors = [[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.1, 0.9, 0], [0, 0, 1], [0, 0.1, 0.9]]
    order = diverse_order(texts, [0.6, 0.5, 0.4, 0.3, 0.2, 0.1], seed=0, k=3, vectors=vectors)
    assert order == [0, 2, 4, 1, 3, 5]
    assert {i // 2 for i in coverage_order(texts, seed=0, k=3, vectors=vectors)[:3]} == {0, 1, 2}
    with pytest.raises(ValueError):
        diverse_order(texts, [0.1] * 6, k=3, vectors=vectors[:5])
