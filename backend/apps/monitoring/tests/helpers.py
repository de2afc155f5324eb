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


def synthetic_predictions(version, *, n: int, weights: dict[str, float], seed: int, confidence: float = 0.9,
                          items=None, actor=None) -> list:
    """`n` Prediction rows of `version` with labels drawn from `weights` (fixed seed), on items drawn uniformly from
    `items` (default: the version's training items, so the input feature does not move)."""
    from apps.items.models import Item
    from apps.predictions.models import Prediction

    rng = random.Random(seed)
    if items is None:
        ids = [row[0] for row in version.training_run.dataset_version.manifest]
        items = list(Item.objects.filter(pk__in=ids))
    labels, probs = list(weights), list(weights.values())
    rows = [Prediction(project_id=version.project_id, item=rng.choice(items), model_version=version,
                       label=rng.choices(labels, probs)[0], confidence=confidence, latency_ms=1.0,
                       request_id=f"synthetic-{seed}", actor=actor) for _ in range(n)]
    return Prediction.objects.bulk_create(rows, batch_size=1000)
