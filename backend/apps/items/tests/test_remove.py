"""DELETE /items/{id}/: an ML engineer's way out for a broken item (audited, one transaction). An item nothing
refers to is deleted; one with predictions or feedback is retired (they stay, the item leaves the project).
The training data check names broken images by item id, so the engineer knows what to remove."""
import io

import pytest
from PIL import Image

from ai_models.stages import data_formatting
from apps.audit.models import AuditEvent
from apps.core.tests.fixtures import create_project, train_inline
from apps.core.tests.images import png
from apps.items.models import Item
from apps.items.services import items_import
from apps.items.tests.stored import stored_image_item
from apps.predictions.models import Prediction
from apps.predictions.services import predictions_create
from apps.projects.services import project_create, project_member_add
from apps.training.collection import collect_training_data
from apps.training.pipeline import pipeline_params

pytestmark = pytest.mark.django_db


def _phone_jpeg(seed: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (seed, 100, 100)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def detection(users):
    project = project_create(slug="det", name="Det", task="object_detection", labels=["circle", "square"],
                             creator=users["engineer"])
    for role in ("annotator", "auditor"):
        project_member_add(project=project, user=users[role], actor=users["engineer"])
    return project


def test_training_check_names_broken_items_and_removing_them_is_the_way_out(detection, users, client_for,
                                                                            test_tmp):
    box = [{"label": "square", "x": 2, "y": 2, "w": 20, "h": 20}]
    good = [stored_image_item(detection, png(96, 64, seed=i), file_name="IMG.png", width=96, height=64, boxes=box)
            for i in range(3)]
    broken = [stored_image_item(detection, _phone_jpeg(i), file_name="IMG.jpg", width=96, height=64, boxes=box,
                                content_type="image/jpeg") for i in (1, 2)]

    def formatting(n: int):
        raw = test_tmp / f"remove-raw-{n}"
        collect_training_data(project=detection, out_dir=raw)
        return data_formatting.run(raw, test_tmp / f"remove-formatted-{n}", pipeline_params())

    with pytest.raises(ValueError, match=rf"item ids: {broken[0].pk}, {broken[1].pk}\)") as refused:
        formatting(1)
    assert "declared size 96x64 but the image is 64x96" in str(refused.value)
    assert all(f"item {g.pk} " not in str(refused.value) for g in good)

    engineer = client_for(users["engineer"])
    for item in broken:
        removed = engineer.delete(f"/api/v1/items/{item.pk}/")
        assert removed.status_code == 200, removed.content
        assert removed.json() == {"id": item.pk, "outcome": "deleted", "predictions": 0, "feedback": 0}
    assert not Item.objects.filter(pk__in=[b.pk for b in broken]).exists()
    assert formatting(2)["counts"]["train"] + formatting(3)["counts"]["val"] == 3
    events = AuditEvent.objects.filter(action="items.removed").order_by("seq")
    assert [e.object_id for e in events] == [str(b.pk) for b in broken]
    assert events[0].details["outcome"] == "deleted"
    assert not {"content_hash", "file_name"} & set(events[0].details)  # nothing an erasure would have to remove


@pytest.mark.parametrize("role", ["annotator", "auditor", "outsider"])
def test_only_engineers_and_admins_remove(detection, users, client_for, role):
    item = stored_image_item(detection, png(seed=9), file_name="x.png", width=96, height=64)
    response = client_for(users[role]).delete(f"/api/v1/items/{item.pk}/")
    assert response.status_code in (403, 404)
    assert Item.objects.filter(pk=item.pk, erased_at__isnull=True).exists()
    assert not AuditEvent.objects.filter(action="items.removed").exists()


def test_an_item_with_predictions_is_retired_and_its_content_can_come_back(users, client_for):
    project = create_project(slug="texts", owner=users["engineer"], members=[users["annotator"]])
    train_inline(project, users["engineer"])
    items_import(project=project, rows=[{"text": "a broken row to remove"}], actor=users["engineer"])
    item = Item.objects.get(project=project, text="a broken row to remove")
    predictions_create(project=project, inputs=[{"item_id": item.pk}], actor=users["annotator"])

    response = client_for(users["admin"]).delete(f"/api/v1/items/{item.pk}/")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": item.pk, "outcome": "retired", "predictions": 1, "feedback": 0}
    item.refresh_from_db()
    assert item.erased_at is not None and Prediction.objects.filter(item=item).count() == 1  # the record stays
    assert client_for(users["annotator"]).get(f"/api/v1/items/{item.pk}/").status_code == 404
    assert client_for(users["engineer"]).delete(f"/api/v1/items/{item.pk}/").status_code == 404
    again = items_import(project=project, rows=[{"text": "a broken row to remove"}], actor=users["engineer"])
    assert again["created"] == 1  # the content hash was freed: the same text can be imported again
