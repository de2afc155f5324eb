"""Thresholds are respected: each flag needs its minimum of data and crosses only past its limit (synthetic
prediction rows with a fixed seed, on the real trained version's training items)."""
import pytest

from apps.feedback.services import feedback_submit
from apps.monitoring.models import FlagKind, MonitoringFlag
from apps.monitoring.services import monitoring_check, monitoring_policy_update
from apps.training.models import ModelStatus

from .helpers import chain_ok, synthetic_predictions

pytestmark = pytest.mark.django_db
EVEN = {"billing": 1, "technical": 1, "shipping": 1}


@pytest.fixture
def version(trained_project):
    return trained_project.model_versions.get(status=ModelStatus.CHAMPION)


def kinds(project) -> set[str]:
    return set(MonitoringFlag.objects.filter(project=project, cleared_at__isnull=True).values_list("kind", flat=True))


def set_policy(project, user, **changes):
    monitoring_policy_update(project=project, actor=user, **changes)


def test_a_small_but_significant_label_shift_needs_the_minimum_distance(trained_project, version, users):
    synthetic_predictions(version, n=3000, weights={"billing": 0.38, "technical": 0.31, "shipping": 0.31}, seed=3)
    result = monitoring_check(project=trained_project)
    assert result.raised == []  # p-value far below 0.01, but the distance (about 0.05) is below 0.1
    set_policy(trained_project, users["engineer"], label_shift_min_distance=0.03)
    (flag,) = monitoring_check(project=trained_project).raised
    assert flag.kind == FlagKind.LABEL_SHIFT and flag.value < 1e-6 and 0.03 <= flag.details["tvd"] < 0.1
    assert chain_ok()


def test_even_labels_on_training_items_raise_nothing(trained_project, version, users):
    set_policy(trained_project, users["engineer"], label_shift_min_distance=0.03, input_psi_threshold=0.05)
    synthetic_predictions(version, n=3000, weights=EVEN, seed=4)
    assert monitoring_check(project=trained_project).raised == []


def test_shift_is_not_judged_below_min_predictions(trained_project, version, users):
    synthetic_predictions(version, n=40, weights={"billing": 1}, seed=5)
    set_policy(trained_project, users["engineer"], min_predictions=50)
    assert monitoring_check(project=trained_project).raised == []
    set_policy(trained_project, users["engineer"], min_predictions=40)
    assert kinds(trained_project) == set()
    monitoring_check(project=trained_project)
    assert kinds(trained_project) == {FlagKind.LABEL_SHIFT}


@pytest.fixture
def answered(version, users):
    """40 answers: 20 to confident (0.9) and 20 to unsure (0.3) predictions; 10 confident and 2 unsure corrected.
    Correction rate 12/40 = 0.30, disagreement rate (confident corrections) 10/40 = 0.25."""
    sure = synthetic_predictions(version, n=20, weights=EVEN, seed=6, confidence=0.9)
    unsure = synthetic_predictions(version, n=20, weights=EVEN, seed=7, confidence=0.3)
    for i, prediction in enumerate(sure + unsure):
        corrected = i < 10 or 20 <= i < 22
        other = next(label for label in ("billing", "technical") if label != prediction.label)
        feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct" if corrected else "accept",
                        label=other if corrected else None, allow_auto_retrain=False)


def test_rates_flag_only_past_their_limits(trained_project, answered, users):
    set_policy(trained_project, users["engineer"], min_predictions=10**6)  # rates only
    monitoring_check(project=trained_project)
    assert kinds(trained_project) == {FlagKind.DISAGREEMENT_RATE}  # 0.25 > 0.2; 0.30 is not > 0.30
    flag = MonitoringFlag.objects.get(kind=FlagKind.DISAGREEMENT_RATE)
    assert (flag.value, flag.threshold) == (0.25, 0.2)
    set_policy(trained_project, users["engineer"], max_correction_rate=0.29, max_disagreement_rate=0.25)
    result = monitoring_check(project=trained_project)
    assert [f.kind for f in result.raised] == [FlagKind.CORRECTION_RATE]
    assert [f.kind for f in result.cleared] == [FlagKind.DISAGREEMENT_RATE]
    assert chain_ok()


def test_confident_threshold_decides_what_counts_as_disagreement(trained_project, answered, users):
    set_policy(trained_project, users["engineer"], min_predictions=10**6, confident_threshold=0.2)
    monitoring_check(project=trained_project)  # now every correction disagrees: 12/40 = 0.3 > 0.2
    assert MonitoringFlag.objects.get(kind=FlagKind.DISAGREEMENT_RATE).value == 0.3


def test_rates_are_not_judged_below_min_answers(trained_project, answered, users):
    set_policy(trained_project, users["engineer"], min_predictions=10**6, min_answers=41, max_correction_rate=0.1)
    assert monitoring_check(project=trained_project).raised == []
