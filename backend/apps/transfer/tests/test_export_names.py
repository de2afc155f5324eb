"""Image names are made safe once, on ingest, and exports name images `<item id>-<safe name>`: a name that
percent-decodes to a folder (`a%2Fb.png`), a zip member like `images/train/..\\evil.png` or two images of the
same name never make `?format=yolo` or `coco_zip` answer 500, also for names stored before ingest cleaned them."""
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ai_models.formats.names import is_safe_file_name
from apps.core.tests.images import png
from apps.items.models import Item
from apps.items.tests.stored import stored_image_item
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db
LABELS = ["circle", "square"]
BOX = [{"label": "square", "x": 2, "y": 2, "w": 10, "h": 10}]
BAD_NAMES = ["a%2Fb.png", "photo%20(1).png", "..\\evil.png", "x/../../y.png", 'q"; x="y.png', "same.png", "same.png",
             "..", "line\nbreak.png"]


@pytest.fixture
def project(users):
    return project_create(slug="names", name="Names", task="object_detection", labels=LABELS,
                          creator=users["engineer"])


def _members(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [m for m in archive.namelist() if not m.endswith("/")]


def _assert_exports(api, slug: str, count: int) -> None:
    yolo = api.get(f"/api/v1/projects/{slug}/export/?format=yolo")
    assert yolo.status_code == 200, yolo.content[:300]
    images = [m for m in _members(yolo.content) if m.startswith("images/")]
    assert len(images) == count and all(is_safe_file_name(m.rsplit("/", 1)[1]) for m in images)
    assert len({m.rsplit("/", 1)[1] for m in images}) == count
    coco = api.get(f"/api/v1/projects/{slug}/export/?format=coco_zip")
    assert coco.status_code == 200, coco.content[:300]
    with zipfile.ZipFile(io.BytesIO(coco.content)) as archive:
        names = [i["file_name"] for i in json.loads(archive.read("annotations.json"))["images"]]
        assert sorted(f"images/{n}" for n in names) == sorted(m for m in archive.namelist() if m.startswith("images/")
                                                              and not m.endswith("/"))
    assert len(set(names)) == count and all(is_safe_file_name(n) for n in names)
    assert api.get(f"/api/v1/projects/{slug}/export/?format=coco").status_code == 200


def test_uploaded_and_imported_names_are_made_safe_on_ingest(project, users, client_for):
    api = client_for(users["engineer"])
    files = {name: png(20, 20, seed=i) for i, name in enumerate(["a%2Fb.png", "photo%20(1).png", "n\u00e4me~1.PNG"])}
    response = api.post(f"/api/v1/projects/{project.slug}/items/", {
        "files": [SimpleUploadedFile(n, d) for n, d in files.items()], "boxes": json.dumps({"a%2Fb.png": BOX})},
        format="multipart")
    assert response.status_code == 201, response.content
    stored = list(Item.objects.filter(pk__in=response.json()["items"]).order_by("pk").values_list("file_name", flat=True))
    assert stored == ["a_2Fb.png", "photo_20(1).png", "n\u00e4me_1.png"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.yaml", "names: [circle, square]\n")
        archive.writestr("images/train/..\\evil.png", png(20, 20, seed=7))
        archive.writestr("labels/train/..\\evil.txt", "1 0.5 0.5 0.2 0.2\n")
    imported = api.post(f"/api/v1/projects/{project.slug}/import/", {
        "format": "yolo", "file": SimpleUploadedFile("evil.zip", buffer.getvalue())}, format="multipart")
    assert imported.status_code == 201, imported.content
    assert Item.objects.get(pk=imported.json()["items"][0]).file_name == "evil.png"
    _assert_exports(api, project.slug, 2)  # the two annotated images


def test_export_never_fails_on_names_stored_before_they_were_cleaned(project, users, client_for):
    for seed, name in enumerate(BAD_NAMES):
        stored_image_item(project, png(20, 20, seed=100 + seed), file_name=name, width=20, height=20, boxes=BOX)
    api = client_for(users["engineer"])
    _assert_exports(api, project.slug, len(BAD_NAMES))
    # and the export comes back in: its names are valid import names
    export = api.get(f"/api/v1/projects/{project.slug}/export/?format=yolo").content
    copy = project_create(slug="names-copy", name="Copy", task="object_detection", labels=LABELS,
                          creator=users["engineer"])
    again = api.post(f"/api/v1/projects/{copy.slug}/import/", {
        "format": "yolo", "file": SimpleUploadedFile("names-yolo.zip", export)}, format="multipart")
    assert again.status_code == 201 and again.json()["created"] == len(BAD_NAMES), again.content
