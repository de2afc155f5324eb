"""Automation-bias indicators per annotator (AI Act Art. 14(4)(b)): how often a person takes the model's answer as is.

Per annotator, over the window's answers (feedback given in it):
- accept_rate: answers with verdict `accept` / answers;
- correction_rate: answers with verdict `correct` / answers;
- uncertain_accept_rate: accepts of predictions below UNCERTAIN_BELOW confidence / answers to such predictions (a
  person who accepts what even the model doubts is the clearest sign of rubber-stamping);
- median_seconds: the median of (answer time - prediction time) for the answered prediction. The platform stores no
  "item shown" time; the prediction is made when the item is requested or, for the review queue, when the champion
  scores the pool, so this is an upper bound on the time spent, and fast answers are the signal it carries;
- gold_answers, gold_agreed, gold_agreement: answers to gold items (trusted labels mixed unseen into the queue,
  apps.feedback.gold), how many agreed with the trusted label, and that share (None without gold answers). A high
  accept_rate with a low gold_agreement is automation bias measured, not suspected.
Counted by the database (one GROUP BY annotator); the median is read with ORDER BY ... OFFSET, per annotator.
"""
from datetime import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from apps.feedback.models import Feedback, Verdict

UNCERTAIN_BELOW = 0.5


def _median_seconds(answers) -> float | None:
    durations = (answers.annotate(took=ExpressionWrapper(F("created_at") - F("prediction__created_at"),
                                                         output_field=DurationField()))
                 .order_by("took").values_list("took", flat=True))
    n = answers.count()
    if not n:
        return None
    middle = list(durations[(n - 1) // 2: n // 2 + 1])  # one value (odd n) or the two middle ones
    return round(sum(d.total_seconds() for d in middle) / len(middle), 3)


def annotator_indicators(*, project, since: datetime, until: datetime, annotator=None) -> list[dict]:
    """One row per annotator who answered in [since, until) (just `annotator` when given), by username."""
    answers = Feedback.objects.filter(project=project, created_at__gte=since, created_at__lt=until,
                                      annotator__isnull=False)
    if annotator is not None:
        answers = answers.filter(annotator=annotator)
    uncertain = Q(prediction__confidence__lt=UNCERTAIN_BELOW)
    accepted = Q(verdict=Verdict.ACCEPT)
    rows = (answers.order_by().values("annotator_id", "annotator__username")
            .annotate(n=Count("id"), accepted=Count("id", filter=accepted),
                      corrected=Count("id", filter=Q(verdict=Verdict.CORRECT)),
                      uncertain=Count("id", filter=uncertain), uncertain_accepted=Count("id", filter=uncertain & accepted),
                      gold=Count("id", filter=Q(gold_agrees__isnull=False)),
                      gold_agreed=Count("id", filter=Q(gold_agrees=True)))
            .order_by("annotator__username"))
    out = []
    for row in rows:
        n = row["n"]
        out.append({"annotator": row["annotator__username"], "answers": n,
                    "accepted": row["accepted"], "accept_rate": round(row["accepted"] / n, 4),
                    "corrected": row["corrected"], "correction_rate": round(row["corrected"] / n, 4),
                    "uncertain_answers": row["uncertain"],
                    "uncertain_accept_rate": (round(row["uncertain_accepted"] / row["uncertain"], 4)
                                              if row["uncertain"] else None),
                    "median_seconds": _median_seconds(answers.filter(annotator_id=row["annotator_id"])),
                    "gold_answers": row["gold"], "gold_agreed": row["gold_agreed"],
                    "gold_agreement": round(row["gold_agreed"] / row["gold"], 4) if row["gold"] else None})
    return out
