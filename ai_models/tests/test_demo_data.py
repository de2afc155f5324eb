"""Data tests for the synthetic support-ticket demo."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ai_models.demo_data import LABELS, generate_text_demo, write_text_demo

Demo = dict[str, list[dict[str, str]]]


def test_label_set_and_order() -> None:
    assert LABELS == ["billing", "technical", "shipping", "account", "product_question"]


def test_sizes_keys_and_labels(demo: Demo) -> None:
    assert {k: len(v) for k, v in demo.items()} == {
        "labelled": 150,
        "pool": 2400,
        "holdout": 600,
    }
    for rows in demo.values():
        assert all(set(r) == {"text", "label"} and r["label"] in LABELS for r in rows)
        assert all(r["text"].strip() for r in rows)
    assert set(Counter(r["label"] for r in demo["pool"])) == set(LABELS)
    # the seed set is (almost, up to label noise) balanced: every label well represented
    assert min(Counter(r["label"] for r in demo["labelled"]).values()) >= 20


def test_texts_unique_across_splits(demo: Demo) -> None:
    texts = [r["text"] for rows in demo.values() for r in rows]
    assert len(texts) == len(set(texts))


def test_deterministic_by_seed(demo: Demo) -> None:
    small = generate_text_demo(seed=7, n_labelled=20, n_pool=30, n_holdout=10)
    assert small == generate_text_demo(seed=7, n_labelled=20, n_pool=30, n_holdout=10)
    assert small != generate_text_demo(seed=8, n_labelled=20, n_pool=30, n_holdout=10)
    assert demo["labelled"][:5] == generate_text_demo()["labelled"][:5]


def test_some_texts_mention_two_topics(demo: Demo) -> None:
    markers = (
        "Also,",
        "On a side note,",
        "Unrelated but",
        "And by the way",
        "P.S.",
        "Oh and",
    )
    share = sum(any(m in r["text"] for m in markers) for r in demo["pool"]) / len(
        demo["pool"]
    )
    assert 0.08 <= share <= 0.18


def test_write_text_demo(tmp_path: Path) -> None:
    paths = write_text_demo(tmp_path / "demo", n_labelled=10, n_pool=5, n_holdout=5)
    assert {p.name for p in paths.values()} == {
        "labelled.jsonl",
        "pool.jsonl",
        "holdout.jsonl",
    }
    rows = [
        json.loads(line) for line in paths["labelled"].read_text("utf-8").splitlines()
    ]
    assert rows == generate_text_demo(n_labelled=10, n_pool=5, n_holdout=5)["labelled"]
