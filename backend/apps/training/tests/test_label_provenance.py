"""Feedback loops (AI Act Art. 15(4)): every training row carries its provenance (manifest, raw and formatted data,
model card); the cap on unreviewed accepts holds in every dataset version, records what it held back, and the card
reports it; manifests from before per-row provenance are still read."""
import csv
import json

import pytest

from apps.audit.verify import verify_chain
from apps.core.tests.fixtures import train_inline
from apps.feedback.services import feedback_submit
from apps.items.models import Item
from apps.predictions.services import predictions_create
from apps.projects.services import project_update
from apps.training.accept_cap import accept_cap_allowed
from apps.training.collection import collect_training_data
from apps.training.datasets import dataset_version_snapshot
from apps.training.model_card_render import model_card_markdown
from apps.training.models import DatasetVersion
from apps.training.provenance import training_label_provenance

pytestmark = pytest.mark.django_db


def answer_pool(project, users, *, accept: int, correct: int) -> dict[int, str]:
    """Predict imported pool items and answer them: `accept` accepted as is, then `correct` corrected."""
    items = list(Item.objects.filter(project=project, split="pool", source="import").order_by("id")[:accept + correct])
    _, predictions = predictions_create(project=project, inputs=[{"item_id": i.pk} for i in items], actor=users["annotator"])
    kinds = {}
    for n, prediction in enumerate(predictions):
        if n < accept:
            feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="accept",
                            allow_auto_retrain=False)
            kinds[prediction.item_id] = "accepted_as_is"
        else:
            other = next(lb for lb in project.labels if lb != prediction.label)
            feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct", label=other,
                            allow_auto_retrain=False)
            kinds[prediction.item_id] = "human_corrected"
    return kinds


def test_each_training_row_carries_its_provenance_into_the_formatted_data(trained_project, users, tmp_path):
    from ai_models.stages import data_formatting

    kinds = answer_pool(trained_project, users, accept=5, correct=4)
    manifest = collect_training_data(project=trained_project, out_dir=tmp_path / "raw")
    version = DatasetVersion.objects.get(pk=manifest["dataset_version"])
    stored = {row[0]: row[4] for row in version.manifest}
    assert all(stored[item_id] == kind for item_id, kind in kinds.items())
    assert {k for i, k in stored.items() if i not in kinds} == {"imported"}
    assert version.counts["provenance"] == {"imported": len(stored) - 9, "accepted_as_is": 5, "human_corrected": 4}
    assert training_label_provenance(dataset_version=version) == {**version.counts["provenance"], "reviewed": 0,
                                                                  "labelled": 0}
    raw_rows = [json.loads(line) for line in (tmp_path / "raw/train.jsonl").read_text().splitlines()]
    assert {r["item_id"]: r["provenance"] for r in raw_rows} == stored
    data_formatting.run(tmp_path / "raw", tmp_path / "formatted", {"SEED": 1})
    with open(tmp_path / "formatted/table.csv", newline="") as table:
        formatted = {int(r["item_id"]): r["provenance"] for r in csv.DictReader(table) if r["split"] != "holdout"}
    assert formatted == stored
    summary = json.loads((tmp_path / "formatted/summary.json").read_text())
    assert summary["provenance_by_item"] == {str(k): v for k, v in stored.items()}


def test_a_manifest_from_before_per_row_provenance_is_still_read(trained_project, users):
    kinds = answer_pool(trained_project, users, accept=2, correct=1)
    version = dataset_version_snapshot(project=trained_project).version
    old = DatasetVersion.objects.create(project=trained_project, content_hash="old", holdout_hash="old",
                                        manifest=[row[:4] for row in version.manifest], counts={}, holdout_size=0)
    assert training_label_provenance(dataset_version=old) == training_label_provenance(dataset_version=version)
    assert training_label_provenance(dataset_version=old)["accepted_as_is"] == 2 == len(kinds) - 1


@pytest.mark.parametrize("cap", [0.0, 0.05, 0.1, 0.25, 1.0, None])
def test_the_cap_on_unreviewed_accepts_holds(trained_project, users, client_for, cap):
    answer_pool(trained_project, users, accept=20, correct=2)
    response = client_for(users["engineer"]).patch("/api/v1/projects/tickets/",
                                                   {"max_unreviewed_accept_share": cap}, format="json")
    assert response.status_code == 200 and response.json()["max_unreviewed_accept_share"] == cap
    trained_project.refresh_from_db()
    version = dataset_version_snapshot(project=trained_project).version
    mix, held = version.counts["provenance"], version.counts["held_back"]
    accepts, total = mix.get("accepted_as_is", 0), version.counts["total"]
    others = total - accepts
    assert accepts + held["rows"] == held["unreviewed_accepts"] == 20
    if cap is not None:
        assert accepts / total <= cap  # the cap holds...
        assert accepts == 20 or (accepts + 1) / (total + 1) > cap  # ...and keeps every accept it can
        assert held["rows"] == 20 - accept_cap_allowed(cap=cap, accepts=20, others=others)
    assert (held["rows"] > 0) == bool(held["reason"])
    if held["rows"]:
        assert f"{held['rows']} of 20" in held["reason"] and "max_unreviewed_accept_share" in held["reason"]
    again = dataset_version_snapshot(project=trained_project).version  # the same draw: the same version
    assert again.pk == version.pk
    assert verify_chain().ok


def test_bad_caps_are_refused(trained_project, users, client_for):
    engineer = client_for(users["engineer"])
    for value in (-0.1, 1.5, "x"):
        assert engineer.patch("/api/v1/projects/tickets/", {"max_unreviewed_accept_share": value},
                              format="json").status_code == 400
    with pytest.raises(Exception, match="max_unreviewed_accept_share"):
        project_update(project=trained_project, actor=users["engineer"], max_unreviewed_accept_share=2.0)


def test_the_model_card_reports_the_mix_the_cap_and_gold(trained_project, users):
    answer_pool(trained_project, users, accept=10, correct=2)
    project_update(project=trained_project, actor=users["engineer"], max_unreviewed_accept_share=0.1)
    version = train_inline(trained_project, users["engineer"])
    data = version.model_card["data"]
    assert data["provenance"]["accepted_as_is"] == data["counts"]["provenance"]["accepted_as_is"] < 10
    assert data["accept_cap"]["cap"] == 0.1 and data["accept_cap"]["rows"] == 10 - data["provenance"]["accepted_as_is"]
    assert data["gold"] == {"items": 0, "answers": 0, "agreed": 0, "annotators": 0, "agreement": None}
    markdown = model_card_markdown(model_version=version)
    assert "Cap on unreviewed accepts" in markdown and f"{data['accept_cap']['rows']} of 10 were held back" in markdown
    assert "Gold items" in markdown
    assert verify_chain().ok
