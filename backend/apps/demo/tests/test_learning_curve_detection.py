"""The detection learning curve: a real `--task detection --quick` run through the services (2 rounds of 4 images,
1 YOLO epoch at the test params' image size), and what the report concludes on curves whose answers are known."""
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.demo import learning_curve_detection_report as report
from apps.feedback.models import Feedback, Review
from apps.items.models import Item
from apps.predictions.models import QueueScoring
from apps.projects.models import Project


@pytest.mark.slow  # 7 YOLO trainings: ~90 s on 2 shared cores
@pytest.mark.django_db
def test_quick_detection_run_writes_sane_outputs(tmp_path):
    doc = tmp_path / "learning.md"
    doc.write_text("# Learning\n\n## Learning curve\n\ntext curve\n")
    call_command("learning_curve", "--task", "detection", "--quick", "--out", str(tmp_path / "bench"), "--doc",
                 str(doc), stdout=io.StringIO())

    result = json.loads((tmp_path / "bench/learning-curve-detection.json").read_text())
    assert (tmp_path / "bench/learning-curve-detection.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "images/learning-curve-detection.png").exists()
    assert [c["strategy"] for c in result["curves"]] == ["least_confident", "random"]
    for curve in result["curves"]:
        points = curve["points"]
        assert [p["round"] for p in points] == [0, 1, 2]
        assert [p["labels"] for p in points] == [8, 12, 16]  # seed images, then 4 answered images a round
        for point in points:
            assert 0 <= point["map50"] <= 1 and 0 <= point["map50_95"] <= point["map50"] + 1e-9
            assert point["accepted"] + point["corrected"] == (4 if point["round"] else 0)
            assert point["reviewed"] <= point["corrected"]
        assert [p["version"] for p in points] == [1, 2, 3] and {p["decision"] for p in points} == {"promoted"}
    assert result["all_labels"]["labels"] == 8 + 16 and 0 <= result["all_labels"]["map50"] <= 1
    assert set(result["summary"]["versus_random"]) == {"least_confident"}

    # the answers went through the services: feedback per answered image carrying the true boxes, reviews for the
    # flagged ones, the queue scored by each champion, the pool's boxes never imported
    for strategy in ("least_confident", "random"):
        project = Project.objects.get(slug=f"lcd-{strategy.replace('_', '-')}")
        assert project.task == "object_detection" and project.queue_strategy == strategy
        answers = Feedback.objects.filter(project=project)
        assert answers.count() == 8 and not answers.filter(item__boxes__isnull=False).exists()
        corrected = answers.filter(verdict="correct")
        assert all(f.boxes for f in corrected)
        assert Review.objects.filter(feedback__project=project).count() == sum(
            p["reviewed"] for c in result["curves"] if c["strategy"] == strategy for p in c["points"])
        assert QueueScoring.objects.filter(project=project, status="succeeded").count() >= 2
        assert Item.objects.filter(project=project, split="pool", boxes__isnull=True).count() == 16
    least, rand = (set(Feedback.objects.filter(project__slug=s).values_list("item__content_hash", flat=True))
                   for s in ("lcd-least-confident", "lcd-random"))
    assert least and rand  # the same pool images, each strategy answering its own choice of them

    text = doc.read_text()
    assert "text curve" in text and "## Detection learning curve" in text and report.DOC_START in text
    assert "| strategy | 8 | 12 | 16 |" in text


def test_detection_options_are_checked():
    with pytest.raises(CommandError, match="--family"):
        call_command("learning_curve", "--task", "detection", "--family", "tfidf_lr", stdout=io.StringIO())
    with pytest.raises(CommandError, match="diverse"):
        call_command("learning_curve", "--task", "detection", "--strategy", "diverse", stdout=io.StringIO())
    with pytest.raises(CommandError, match="detection options"):
        call_command("learning_curve", "--epochs", "3", stdout=io.StringIO())


def _curve(strategy, map50s, start=20, step=20):
    return {"strategy": strategy, "seconds": 1.0, "points": [
        {"round": i, "labels": start + i * step, "map50": m, "map50_95": m / 2} for i, m in enumerate(map50s)]}


def test_versus_random_and_labels_to_90_percent():
    result = {"all_labels": {"labels": 220, "map50": 0.8, "map50_95": 0.5, "seconds": 1.0},
              "curves": [_curve("least_confident", [0.1, 0.5, 0.75, 0.74]), _curve("random", [0.1, 0.55, 0.6, 0.7]),
                         _curve("margin", [0.1, 0.2, 0.3, 0.4])]}
    summary = report.summarize(result)
    rows = {r["strategy"]: r for r in summary["rows"]}
    assert rows["least_confident"]["labels_to_90pct"] == 60  # 0.75 >= 0.72 at 20 + 2 * 20
    assert rows["random"]["labels_to_90pct"] is None and rows["least_confident"]["final_map50"] == 0.74
    lc = summary["versus_random"]["least_confident"]
    assert lc["delta_map50_per_round"] == [-0.05, 0.15, 0.04] and lc["rounds_ahead"] == 2
    assert lc["labels_to_reach_random_final"] == 60 and lc["share_of_random_labels"] == 0.75
    assert summary["versus_random"]["margin"]["labels_to_reach_random_final"] is None
    assert report.summarize({**result, "curves": result["curves"][:1]})["versus_random"] == {}
