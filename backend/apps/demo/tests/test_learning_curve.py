"""The learning-curve benchmark: a real `--quick` run through the services (2 rounds, one strategy), and the
conclusions it draws (labels to 90 %, the issue's two targets) on curves whose answers are known."""
import io
import json

import pytest
from django.core.management import call_command

from apps.demo import learning_curve as lc
from apps.demo import learning_curve_report as report
from apps.feedback.models import Feedback
from apps.predictions.models import QueueScoring
from apps.projects.models import Project


@pytest.mark.django_db
def test_quick_run_writes_sane_outputs(tmp_path):
    doc = tmp_path / "learning.md"
    doc.write_text("# Learning\n\nintro\n")
    strategy = lc.strategies()[0]
    call_command("learning_curve", "--quick", "--strategy", strategy, "--family", "embedding_lr", "--out",
                 str(tmp_path / "bench"), "--doc", str(doc), stdout=io.StringIO())

    result = json.loads((tmp_path / "bench/learning-curve.json").read_text())
    assert (tmp_path / "bench/learning-curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "images/learning-curve-strategies.png").exists()
    [curve] = result["curves"]
    assert (curve["strategy"], curve["family"]) == (strategy, "embedding_lr")
    points = curve["points"]
    assert [p["round"] for p in points] == [0, 1, 2]
    labels = [p["labels"] for p in points]
    assert labels == [result["seed_labels"], result["seed_labels"] + 20, result["seed_labels"] + 40]
    assert result["seed_labels"] == 40  # one per label of the hard corpus
    for point in points:
        assert 0 <= point["accuracy"] <= 1 and 0 <= point["f1_macro"] <= 1
        assert point["accepted"] + point["corrected"] == (20 if point["round"] else 0)
    assert 0 <= result["all_labels"]["embedding_lr"]["accuracy"] <= 1
    assert result["all_labels"]["embedding_lr"]["labels"] == 160

    # the answers went through the services: feedback per answer, the queue scored by each champion
    project = Project.objects.get(slug=f"lc-{strategy.replace('_', '-')}-embedding-lr")
    assert project.text_model == "embedding_lr"
    assert Feedback.objects.filter(project=project).count() == 40
    assert QueueScoring.objects.filter(project=project, status="succeeded").count() >= 2
    assert not Feedback.objects.filter(project=project, item__label__isnull=False).exists()  # seeds not relabelled

    text = doc.read_text()
    assert text.startswith("# Learning\n\nintro\n") and "## Learning curve" in text
    assert report.DOC_START in text and "| strategy | family | 40 | 60 | 80 |" in text
    report.doc_update(doc, "replaced")  # a second run replaces the section, nothing else
    assert doc.read_text().count("## Learning curve") == 1 and "replaced" in doc.read_text()
    assert "| strategy | family | 40 |" not in doc.read_text()


def _curve(strategy, family, accuracies, start=40, step=60):
    return {"strategy": strategy, "family": family, "seconds": 1.0, "points": [
        {"round": i, "labels": start + i * step, "accuracy": a, "f1_macro": a - 0.01} for i, a in enumerate(accuracies)]}


def test_labels_to_90_percent_and_the_targets():
    result = {"all_labels": {"embedding_lr": {"accuracy": 0.8, "f1_macro": 0.79, "labels": 1500},
                             "tfidf_lr": {"accuracy": 0.7, "f1_macro": 0.69, "labels": 1500}},
              "curves": [_curve("random", "embedding_lr", [0.3, 0.5, 0.6, 0.65, 0.70]),
                         _curve("margin", "embedding_lr", [0.3, 0.6, 0.70, 0.73, 0.75]),
                         _curve("entropy", "embedding_lr", [0.3, 0.55, 0.65, 0.72, 0.74]),
                         _curve("random", "tfidf_lr", [0.1, 0.2, 0.3, 0.4, 0.5]),
                         _curve("margin", "tfidf_lr", [0.1, 0.3, 0.45, 0.5, 0.66]),
                         _curve("entropy", "tfidf_lr", [0.1, 0.3, 0.45, 0.55, 0.75])]}
    summary = report.summarize(result)
    rows = {(r["strategy"], r["family"]): r for r in summary["rows"]}
    assert rows[("margin", "embedding_lr")]["labels_to_90pct"] == 220  # 0.73 >= 0.9 * 0.8 = 0.72 at 40 + 3 * 60
    assert rows[("random", "embedding_lr")]["labels_to_90pct"] is None  # never 0.72
    a = summary["targets"]["embedding_beats_tfidf_every_round"]
    assert a["holds"] is False and a["per_strategy"]["margin"]["holds"] is True
    assert a["per_strategy"]["entropy"]["rounds_not_above"] == [4]  # 0.74 vs TF-IDF's 0.75
    b = summary["targets"]["best_strategy_vs_random"]["per_family"]
    assert b["embedding_lr"]["best_strategy"] == "margin" and b["embedding_lr"]["best_labels"] == 160
    assert b["embedding_lr"]["holds"] is True  # 160 <= 0.6 * 280
    assert b["tfidf_lr"]["best_strategy"] == "entropy" and b["tfidf_lr"]["best_labels"] == 220  # tie: by name
    assert b["tfidf_lr"]["holds"] is False  # 220 > 168
    assert summary["targets"]["best_strategy_vs_random"]["holds"] is False
    assert report.labels_to_reach([], 0.5) is None
