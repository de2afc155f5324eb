"""Property test: validate_box takes any values and either accepts a finite, typed box inside the image or raises
ValueError (never TypeError or OverflowError). Derandomized and bounded."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ai_models.boxes import EDGE_TOLERANCE, Box, validate_box

anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([10**400, -(10**400), 2**53 + 1]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6), st.sampled_from(["1e1", " 5 ", "nan"]),
)
coordinate = st.one_of(st.floats(-10, 200), st.integers(-10, 200), anything)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.text(max_size=4), anything), coordinate, coordinate, coordinate, coordinate,
       st.one_of(st.none(), st.floats(0, 1), anything), st.integers(1, 150), st.integers(1, 150))
def test_validate_box_accepts_only_clean_boxes(label, x, y, w, h, confidence, width, height) -> None:
    box = Box(label, x, y, w, h, confidence)
    try:
        validate_box(box, width, height)
    except ValueError:
        return
    values = (box.x, box.y, box.w, box.h)
    assert all(type(v) in (int, float) and math.isfinite(v) for v in values)
    assert isinstance(box.label, str) and box.label.strip()
    assert box.w > 0 and box.h > 0
    assert box.x >= -EDGE_TOLERANCE and box.x + box.w <= width + EDGE_TOLERANCE
    assert box.confidence is None or (type(box.confidence) in (int, float) and 0 <= box.confidence <= 1)
