"""Streams for the monitoring tests: texts like the training data (unshifted) or unlike it (shifted), predicted by the
real trained model of the `trained_project` fixture."""
import random

from apps.audit.selectors import audit_chain_verify
from apps.core.tests.fixtures import tiny_texts
from apps.predictions.services import predictions_create

LONG_BILLING = ["my invoice shows a charge I never agreed to and the refund you promised last month has not arrived",
                "the subscription fee went up without notice, please send a receipt and refund the price difference",
                "I was charged twice for the same payment, the invoice number is on the receipt attached below"]


def unshifted_texts(*, seeds=range(2, 7)) -> list[str]:
    """The training data's distribution (tiny_texts with single-digit seeds, as the fixture trains on seed 1)."""
    return [row["text"] for seed in seeds for row in tiny_texts(12, seed=seed)]


def shifted_texts(n: int, *, seed: int = 5) -> list[str]:
    """Long billing complaints only: the label mix and the text length both move away from the training data."""
    rng = random.Random(seed)
    return [f"{rng.choice(LONG_BILLING)} (case {seed}-{i})" for i in range(n)]


def predict(project, texts: list[str], actor) -> list:
    predictions = []
    for start in range(0, len(texts), 100):
        predictions.extend(predictions_create(project=project, inputs=[{"text": t} for t in texts[start:start + 100]],
                                              actor=actor)[1])
    return predictions


def chain_ok() -> bool:
    return audit_chain_verify().ok
