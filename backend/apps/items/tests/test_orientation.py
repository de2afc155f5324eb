"""Phone photos (EXIF orientation 6): stored upright on every way in, so that size, boxes, the image endpoint,
exports and the training data check agree (before: stored raw, the training check applied the rotation, and
every later training run of the project failed)."""
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ai_models.boxes import Box
from ai_models.detection.dataset import write_yolo_dataset
from ai_models.detection.schema import DetectionExample
from ai_models.orientation import exif_orientation
from apps.items.images import image_open
from apps.items.models import Item
from apps.projects.services import project_create, project_member_add

pytestmark = pytest.mark.django_db
LABELS = ["circle", "square"]
# A box that only fits the image as shown (64 wide, 96 high): in the raw 96x64 frame it sticks out at the bottom.
BOX = {"label": "square", "x": 40, "y": 70, "w": 20, "h": 20}


def phone_jpeg() -> bytes:
    """Raw pixels 96x64 with a red block at the raw top-left; orientation 6 shows it rotated 90° clockwise
    (64x96, the block at the top-right)."""
    image = Image.new("RGB", (96, 64), "white")
    image.paste((255, 0, 0), (0, 0, 16, 16))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"  # other tags stay
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


@pytest.fixture
def project(users):
    project = project_create(slug="phone", name="Phone", task="object_detection", labels=LABELS,
                             creator=users["engineer"])
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    return project


def assert_upright(item: Item) -> bytes:
    with image_open(item.storage_key) as handle:
        data = handle.read()
    assert item.content_hash == hashlib.sha256(data).hexdigest()
    with Image.open(io.BytesIO(data)) as stored:
        assert (stored.width, stored.height) == (item.width, item.height) == (64, 96)
        assert exif_orientation(stored) == 1
        assert stored.getexif().get(0x010F) == "PhoneMaker"
        red, green, _ = stored.convert("RGB").getpixel((56, 6))  # the block, now top-right
        assert red > 200 and green < 60
    return data


def test_upload_stores_the_image_as_shown_and_training_accepts_it(project, users, client_for, test_tmp):
    api = client_for(users["engineer"])
    response = api.post(f"/api/v1/projects/{project.slug}/items/", {
        "files": [SimpleUploadedFile("IMG_0001.jpg", phone_jpeg())], "boxes": json.dumps({"IMG_0001.jpg": [BOX]})},
        format="multipart")
    assert response.status_code == 201, response.content
    item = Item.objects.get(pk=response.json()["items"][0])
    data = assert_upright(item)
    served = client_for(users["annotator"]).get(f"/api/v1/items/{item.pk}/image/")
    assert b"".join(served.streaming_content) == data
    # the training data check (what failed for every later run) accepts the stored image with its boxes
    path = test_tmp / f"train-{item.pk}.jpg"
    path.write_bytes(data)
    example = DetectionExample(path, item.width, item.height, tuple(Box(**b) for b in item.boxes), item_id=item.pk)
    write_yolo_dataset([example], LABELS, test_tmp / f"yolo-{item.pk}", val_fraction=0.0, seed=1)
    # and the export carries the upright bytes with the size they have
    export = api.get(f"/api/v1/projects/{project.slug}/export/?format=coco_zip")
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        document = json.loads(archive.read("annotations.json"))
        exported = archive.read(f"images/{document['images'][0]['file_name']}")
    assert exported == data and (document["images"][0]["width"], document["images"][0]["height"]) == (64, 96)


def test_again_with_the_same_photo_is_a_duplicate(project, users, client_for):
    api = client_for(users["engineer"])
    url = f"/api/v1/projects/{project.slug}/items/"
    first = api.post(url, {"files": [SimpleUploadedFile("a.jpg", phone_jpeg())]}, format="multipart").json()
    again = api.post(url, {"files": [SimpleUploadedFile("b.jpg", phone_jpeg())]}, format="multipart").json()
    assert again["duplicates"] == 1 and again["items"] == first["items"]


def _yolo_zip(image: bytes) -> bytes:
    """YOLO labels normalised to the image as an annotation tool shows it (64x96)."""
    cx, cy, w, h = (BOX["x"] + 10) / 64, (BOX["y"] + 10) / 96, 20 / 64, 20 / 96
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.yaml", "names: [circle, square]\n")
        archive.writestr("images/train/IMG_0002.jpg", image)
        archive.writestr("labels/train/IMG_0002.txt", f"1 {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n")
    return buffer.getvalue()


def _coco_zip(image: bytes) -> bytes:
    document = {"images": [{"id": 1, "file_name": "IMG_0003.jpg", "width": 64, "height": 96}],
                "annotations": [{"id": 1, "image_id": 1, "category_id": 2,
                                 "bbox": [BOX["x"], BOX["y"], BOX["w"], BOX["h"]]}],
                "categories": [{"id": 1, "name": "circle"}, {"id": 2, "name": "square"}]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("annotations.json", json.dumps(document))
        archive.writestr("images/IMG_0003.jpg", image)
    return buffer.getvalue()


@pytest.mark.parametrize(("fmt", "build"), [("yolo", _yolo_zip), ("coco_zip", _coco_zip)])
def test_zip_imports_read_boxes_on_the_image_as_shown(project, users, client_for, fmt, build):
    response = client_for(users["engineer"]).post(f"/api/v1/projects/{project.slug}/import/", {
        "format": fmt, "file": SimpleUploadedFile(f"phone.{fmt}.zip", build(phone_jpeg()))}, format="multipart")
    assert response.status_code == 201, response.content
    item = Item.objects.get(pk=response.json()["items"][0])
    assert_upright(item)
    (box,) = item.boxes
    assert box["label"] == "square"
    assert [round(box[k], 3) for k in "xywh"] == [BOX["x"], BOX["y"], BOX["w"], BOX["h"]]


def test_exif_that_cannot_be_written_back_is_dropped_not_a_500():
    """A tag whose value does not fit its type (here InkSet, a number, holding text) cannot be re-encoded:
    the upright image is stored without EXIF instead of failing (found by mutating EXIF bytes)."""
    import struct

    from apps.items.images import image_check

    entries = [(0x0112, 3, 1, struct.pack("<HH", 6, 0)), (0x014C, 2, 4, b"abc\0")]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHI", tag, kind, count) + value
                                                     for tag, kind, count, value in entries) + struct.pack("<I", 0)
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), "white").save(buffer, "JPEG", exif=b"Exif\0\0II*\0" + struct.pack("<I", 8) + ifd)
    checked = image_check(file_name="odd.jpg", data=buffer.getvalue())
    assert (checked.width, checked.height) == (64, 96)
    with Image.open(io.BytesIO(checked.data)) as stored:
        assert stored.size == (64, 96) and exif_orientation(stored) == 1
