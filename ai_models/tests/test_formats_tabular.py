"""CSV and JSONL for text projects: the header, round trips, and refusals naming the line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_models.formats import FormatError, TextRecord, export_csv, export_jsonl, parse_csv, parse_jsonl

words = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(lambda s: s.strip())
records = st.lists(
    st.builds(
        TextRecord,
        text=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).filter(lambda s: s.strip()),
        label=st.none() | words,
        split=st.sampled_from(["pool", "holdout"]),
        subject_ref=st.just("") | words,
        predicted=st.none() | words,
        confidence=st.none() | st.floats(0, 1),
    ),
    max_size=6,
)


@settings(max_examples=80, deadline=None, database=None)
@given(texts=records)
def test_round_trips(texts: list[TextRecord]) -> None:
    assert parse_csv(export_csv(texts)) == texts
    assert parse_jsonl(export_jsonl(texts)) == texts


def test_layout() -> None:
    texts = [
        TextRecord("refund, please", "billing", subject_ref="t-1", predicted="billing", confidence=0.875),
        TextRecord('say "hi"\nbye', item_id=3),
    ]
    assert export_csv(texts).decode() == (
        "text,label,split,subject_ref,predicted,confidence\r\n"
        '"refund, please",billing,pool,t-1,billing,0.875\r\n'
        '"say ""hi""\nbye",,pool,,,\r\n'
    )
    lines = export_jsonl(texts).decode().splitlines()
    assert [json.loads(line) for line in lines][1] == {
        "text": 'say "hi"\nbye',
        "label": None,
        "split": "pool",
        "subject_ref": "",
        "predicted": None,
        "confidence": None,
    }
    assert export_csv([]) == b"text,label,split,subject_ref,predicted,confidence\r\n" and export_jsonl([]) == b""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"label\nx\n", "CSV line 1: the header must name a 'text' column"),
        (b"text,label\nok,a\nbad,a,extra\n", "CSV line 3: more fields than the header names"),
        (b"text,colour\nok,red\n", "CSV line 2: unknown field\\(s\\) colour"),
        (b"text,confidence\nok,0.5\nok,high\n", "CSV line 3: 'confidence' must be a number"),
        (b"text,label\n,a\n", "CSV line 2: 'text' is missing or empty"),
        (b"text\nok\n\xff\n", "CSV line 3: not UTF-8 text"),
    ],
)
def test_csv_refusals(content: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_csv(content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"text": "ok"}\n{"text": \n', "JSONL line 2: invalid JSON"),
        (b'{"text": "ok"}\n\n["text"]\n', "JSONL line 3: each line must be a JSON object"),
        (b'{"text": "ok", "label": 3}\n', "JSONL line 1: 'label' must be a string"),
        (b'{"text": "ok", "confidence": true}\n', "JSONL line 1: 'confidence' must be a number"),
    ],
)
def test_jsonl_refusals(content: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_jsonl(content)
