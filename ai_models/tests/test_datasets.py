"""Content-addressed dataset hashes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ai_models.datasets import dataset_hash

rows_strategy = st.lists(
    st.tuples(st.text(max_size=20), st.sampled_from(["a", "b", "c"]), st.floats(0, 10)),
    max_size=15,
)


@settings(
    max_examples=50, deadline=None, database=None
)  # no .hypothesis dir in the cwd
@given(rows=rows_strategy, data=st.data())
def test_order_independent(
    rows: list[tuple[str, str, float]], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(rows))
    assert dataset_hash(rows) == dataset_hash(shuffled)


def test_content_sensitive_and_stable() -> None:
    base = [("refund please", "billing", 1.0), ("app crashes", "technical", 1.0)]
    h = dataset_hash(base)
    assert len(h) == 64 and h == dataset_hash(iter(base))
    assert h != dataset_hash([("refund please", "billing", 2.0), base[1]])
    assert h != dataset_hash([("refund please", "technical", 1.0), base[1]])
    assert h != dataset_hash(base[:1])
    assert dataset_hash([("x", "a", 1)]) == dataset_hash([("x", "a", 1.0)])
