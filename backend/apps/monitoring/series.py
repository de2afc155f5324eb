"""The monitoring series: per model version and day, aggregated by the database (GROUP BY version, day, bin).

Each query returns at most versions x days x bins rows, whatever the number of predictions; Python only combines
those counts and runs the tests of stats.py on them. Days are UTC dates of `created_at`: predictions by when they
were made, answers (corrections, disagreements) by when they were given.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Floor, Least, TruncDate

from apps.feedback.models import Feedback, Verdict
from apps.predictions.models import Prediction
from apps.projects.models import Task

from .reference import feature_annotated
from .stats import CONFIDENCE_BINS


@dataclass
class Counts:
    """What the database counted for one model version over one day (or over the whole window)."""

    predictions: int = 0
    confidence: list[int] = field(default_factory=lambda: [0] * CONFIDENCE_BINS)
    labels: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    feature_bins: list[int] | None = None
    answers: int = 0
    corrections: int = 0
    disagreements: int = 0

    def add(self, other: "Counts") -> None:
        self.predictions += other.predictions
        self.confidence = [a + b for a, b in zip(self.confidence, other.confidence, strict=True)]
        for label, n in other.labels.items():
            self.labels[label] += n
        if other.feature_bins is not None:
            self.feature_bins = ([a + b for a, b in zip(self.feature_bins, other.feature_bins, strict=True)]
                                 if self.feature_bins else list(other.feature_bins))
        self.answers += other.answers
        self.corrections += other.corrections
        self.disagreements += other.disagreements


Table = dict[int, dict[date, Counts]]  # model version id -> day -> counts


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def predictions_in(*, project, since: datetime, until: datetime, version_ids=None):
    qs = Prediction.objects.filter(project=project, created_at__gte=since, created_at__lt=until)
    return qs.filter(model_version_id__in=version_ids) if version_ids is not None else qs


def count_predictions(table: Table, *, project, predictions, since: datetime, until: datetime,
                      version_ids=None) -> None:
    """Volume, the confidence histogram and the predicted labels: for text one GROUP BY (version, day, bin, label),
    so one pass over the window's predictions; for detection the boxes' labels come from a second query."""
    detection = project.task == Task.OBJECT_DETECTION
    binned = Cast(Least(Floor(F("confidence") * CONFIDENCE_BINS), Value(CONFIDENCE_BINS - 1.0)), IntegerField())
    rows = (predictions.annotate(day=TruncDate("created_at"), bin=binned,
                                 predicted=Value("") if detection else F("label")).order_by()
            .values_list("model_version_id", "day", "bin", "predicted").annotate(n=Count("id")))
    for version_id, day, bin_, label, n in rows:
        counts = table[version_id][_day(day)]
        counts.predictions += n
        counts.confidence[max(0, min(int(bin_), CONFIDENCE_BINS - 1))] += n
        if not detection:
            counts.labels[label] += n
    if detection:
        for version_id, day, label, n in _box_label_rows(project=project, since=since, until=until):
            if version_ids is None or version_id in version_ids:
                table[version_id][_day(day)].labels[label or ""] += n


def _box_label_rows(*, project, since: datetime, until: datetime) -> list[tuple]:
    """One row per (version, day, box label): the JSON array of boxes unnested by the database itself."""
    table = Prediction._meta.db_table
    if connection.vendor == "postgresql":
        sql = (f"SELECT p.model_version_id, (p.created_at AT TIME ZONE 'UTC')::date, b->>'label', COUNT(*) "
               f"FROM {table} p CROSS JOIN LATERAL jsonb_array_elements(COALESCE(p.boxes, '[]'::jsonb)) b "
               f"WHERE p.project_id = %s AND p.created_at >= %s AND p.created_at < %s GROUP BY 1, 2, 3")
    else:
        sql = (f"SELECT p.model_version_id, date(p.created_at), json_extract(b.value, '$.label'), COUNT(*) "
               f"FROM {table} p, json_each(p.boxes) b "
               f"WHERE p.project_id = %s AND p.created_at >= %s AND p.created_at < %s GROUP BY 1, 2, 3")
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk, adapt(since), adapt(until)])
        return cursor.fetchall()


def count_feature_bins(table: Table, *, project, predictions, version_id: int, edges: list[float]) -> None:
    """The input feature of one version's predicted items, in the reference's bins (a CASE in the GROUP BY)."""
    qs = feature_annotated(predictions.filter(model_version_id=version_id, item__erased_at__isnull=True),
                           task=project.task, prefix="item__")
    binned = Case(*[When(feature__lt=edge, then=Value(i)) for i, edge in enumerate(edges)],
                  default=Value(len(edges)), output_field=IntegerField())
    rows = (qs.annotate(day=TruncDate("created_at"), bin=binned).order_by()
            .values_list("day", "bin").annotate(n=Count("id")))
    for day, bin_, n in rows:
        counts = table[version_id][_day(day)]
        if counts.feature_bins is None:
            counts.feature_bins = [0] * (len(edges) + 1)
        counts.feature_bins[int(bin_)] += n


def count_answers(table: Table, *, project, since: datetime, until: datetime, confident: float,
                  version_ids=None) -> None:
    """Answers, corrections and disagreements per version of the answered prediction and day of the answer.

    Disagreement: detection, an answer the box comparison flagged for second review; text, a correction of a
    prediction at least `confident` sure of itself."""
    qs = Feedback.objects.filter(project=project, created_at__gte=since, created_at__lt=until)
    if version_ids is not None:
        qs = qs.filter(prediction__model_version_id__in=version_ids)
    corrected = Q(verdict=Verdict.CORRECT)
    disagreed = (~Q(flags=[]) if project.task == Task.OBJECT_DETECTION
                 else corrected & Q(prediction__confidence__gte=confident))
    rows = (qs.annotate(day=TruncDate("created_at")).order_by()
            .values_list("prediction__model_version_id", "day")
            .annotate(n=Count("id"), corrected=Count("id", filter=corrected), disagreed=Count("id", filter=disagreed)))
    for version_id, day, n, n_corrected, n_disagreed in rows:
        counts = table[version_id][_day(day)]
        counts.answers += n
        counts.corrections += n_corrected
        counts.disagreements += n_disagreed


