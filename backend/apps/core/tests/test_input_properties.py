"""Property tests (hypothesis) for what the backend does with strangers' input: box validation, text
normalization and the string check, and the upload parser. Whatever comes in, the answer is a clean value or
the refusal the API turns into a 400 (ApplicationError, ValueError from a row, ParseError), never anything else.
Derandomized and bounded, so CI runs the same examples every time."""
import contextlib
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError

from apps.core.exceptions import ApplicationError
from apps.core.strings import find_bad_string, text_problem
from apps.items.annotations import box_validate
from apps.items.parsing import parse_upload
from apps.items.services import normalize_text

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
LABELS = ["circle", "square"]
# Hypothesis leaves out surrogates by default: mix lone ones (and NUL) in.
chars = st.one_of(st.characters(), st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\x00"]))
numbers = st.one_of(st.integers(), st.sampled_from([10**400, -(10**400), 2**53 + 1]),
                    st.floats(allow_nan=True, allow_infinity=True))
anything = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=8),
                     st.sampled_from(["1e1", " 5 ", "\x00", "\udfff", "nan"]), st.lists(st.integers(), max_size=2))
boxes = st.one_of(
    st.fixed_dictionaries({"label": st.sampled_from(LABELS + ["other", ""]), "x": numbers, "y": numbers,
                           "w": numbers, "h": numbers}, optional={"confidence": anything}),
    st.fixed_dictionaries({}, optional={k: anything for k in ("label", "x", "y", "w", "h", "confidence", "zzz")}),
    anything,
)


@FUZZ
@given(boxes, st.integers(1, 5000), st.integers(1, 5000))
def test_box_validate_returns_clean_floats_or_refuses(box, width, height):
    try:
        clean = box_validate(box, labels=LABELS, width=width, height=height, where="b")
    except ApplicationError as exc:
        assert exc.status == 400 and exc.message.startswith("b: ")
        return
    assert set(clean) == {"label", "x", "y", "w", "h"} and clean["label"] in LABELS
    values = [clean[k] for k in ("x", "y", "w", "h")]
    assert all(type(v) is float and math.isfinite(v) for v in values)
    assert clean["w"] > 0 and clean["h"] > 0 and clean["x"] + clean["w"] <= width + 0.01
    assert all(type(box[k]) in (int, float) for k in ("x", "y", "w", "h"))  # only JSON numbers got through


texts = st.one_of(st.text(max_size=50), st.text(chars, max_size=20), anything)


@FUZZ
@given(texts)
def test_normalize_text_gives_storable_text_or_refuses(value):
    try:
        text = normalize_text(value)
    except ValueError as exc:
        assert str(exc).startswith("text ")
        return
    assert text == text.strip() and text and "\x00" not in text
    text.encode("utf-8")  # no lone surrogate: this would raise UnicodeEncodeError


@FUZZ
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                              st.text(chars, max_size=6)),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.text(chars, max_size=4), inner, max_size=3), max_leaves=12))
def test_find_bad_string_is_exactly_what_postgres_and_utf8_refuse(data):
    text = json.dumps(data, ensure_ascii=False)
    try:
        text.encode("utf-8")
        storable = "\\u0000" not in json.dumps(data)
    except UnicodeEncodeError:
        storable = False
    assert (find_bad_string(data) is None) == storable
    if not storable:
        path, problem = find_bad_string(data)
        assert problem.startswith(("contains", "field name contains"))


@FUZZ
@given(st.text(chars, max_size=30))
def test_text_problem_agrees_with_utf8(value):
    try:
        value.encode("utf-8")
        encodes = True
    except UnicodeEncodeError:
        encodes = False
    assert (text_problem(value) is None) == (encodes and "\x00" not in value)


@FUZZ
@given(st.binary(max_size=300) | st.lists(st.one_of(st.dictionaries(st.sampled_from(
    ["text", "label", "split", "subject_ref", "zzz"]), anything, max_size=4), anything), max_size=4).map(
    lambda rows: "\n".join(json.dumps(r) for r in rows).encode()), st.sampled_from(["f.csv", "f.jsonl", "f.txt"]))
def test_parse_upload_returns_rows_or_refuses(content, name):
    with contextlib.suppress(ApplicationError):
        rows, lines = parse_upload(name=name, content=content)
        assert len(rows) == len(lines) and all(isinstance(r, dict) for r in rows)


@pytest.mark.parametrize("content", [b"[" * 100_000 + b"]" * 100_000, b'{"text": ' + b"9" * 5000 + b"}"])
def test_parse_upload_refuses_json_no_decoder_takes(content):
    with pytest.raises(ApplicationError, match="line 1: invalid JSON"):
        parse_upload(name="f.jsonl", content=content)


def test_the_json_parser_refuses_nesting_too_deep():
    import io

    from apps.core.strings import JSONParser

    with pytest.raises(ParseError, match="nested too deeply"):
        JSONParser().parse(io.BytesIO(b"[" * 100_000 + b"]" * 100_000))
