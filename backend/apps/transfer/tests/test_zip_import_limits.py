"""A zip bomb sent to the import endpoint is refused (413, naming the member) before anything is inflated."""
import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.items.models import Item
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 1 MB: data.yaml, annotations.json and one 1 GiB member of zeros (a YOLO and a COCO zip at once)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("data.yaml", "names: [circle]\n")
        archive.writestr("annotations.json", '{"images": [], "annotations": [], "categories": []}')
        with archive.open("images/train/big.png", "w") as member:
            for _ in range(1024):
                member.write(bytes(MiB))
    return buffer.getvalue()


@pytest.fixture
def shapes(users):
    return project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square"],
                          creator=users["engineer"])


@pytest.mark.parametrize("fmt", ["yolo", "coco_zip"])
def test_a_zip_bomb_is_refused_before_it_is_inflated(shapes, users, client_for, bomb, fmt):
    api = client_for(users["engineer"])
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = api.post("/api/v1/projects/shapes/import/", {"format": fmt, "file": SimpleUploadedFile(
            "bomb.zip", bomb)}, format="multipart")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 413, response.content
    assert response.json()["detail"] == ("bomb.zip: {} zip: images/train/big.png unpacks to 1024.0 MiB; at most "
                                         "32.0 MiB per file.".format("YOLO" if fmt == "yolo" else "COCO"))
    assert elapsed < 5 and peak < 32 * MiB  # the request holds the 1 MB upload a few times, never the 1 GiB
    assert not Item.objects.filter(project=shapes).exists()
    assert not AuditEvent.objects.filter(action="items.imported").exists()


def test_the_limits_come_from_settings(shapes, users, client_for, settings):
    from apps.core.tests.images import png

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.yaml", "names: [circle]\n")
        for i in range(3):
            archive.writestr(f"images/train/{i}.png", png(seed=i))
    api = client_for(users["engineer"])

    def send():
        return api.post("/api/v1/projects/shapes/import/", {"format": "yolo", "file": SimpleUploadedFile(
            "three.zip", buffer.getvalue())}, format="multipart")

    settings.IMPORT_MAX_MEMBERS = 3
    assert send().json()["detail"] == "three.zip: YOLO zip: 4 entries; at most 3 are accepted."
    settings.IMPORT_MAX_MEMBERS, settings.IMPORT_MAX_UNZIPPED_BYTES = 4, 2 * len(png(seed=0))
    response = send()
    assert response.status_code == 413 and "unpacks to more than" in response.json()["detail"]
    settings.IMPORT_MAX_UNZIPPED_BYTES = 10 * MiB
    assert send().status_code == 201
