"""Image uploads into a detection project: stored through django-storages (local folder and a real S3 API on
moto's threaded server), streamed to members, and every refusal leaves nothing behind."""
import json

import pytest
from django.core.files.storage import default_storage

from apps.audit.models import AuditEvent
from apps.core.tests.images import png, shapes_image
from apps.core.tests.servers import MotoServer
from apps.items.models import Item
from apps.projects.services import project_create, project_member_add

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/shapes/items/"
LABELS = ["circle", "square", "triangle"]


@pytest.fixture
def shapes(users):
    project = project_create(slug="shapes", name="Shapes", task="object_detection", labels=LABELS,
                             creator=users["engineer"])
    for role in ("annotator", "reviewer", "auditor"):
        project_member_add(project=project, user=users[role], actor=users["engineer"])
    return project


@pytest.fixture(params=["local", "s3"])
def storage(request, settings, test_tmp):
    """Both storages the platform runs on: a local folder and S3 (moto's HTTP server, boto3 talking to it)."""
    if request.param == "local":
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(test_tmp / f"storage-{request.node.name}")}}}
        yield "local"
        return
    server = MotoServer("hitl-test").start()
    settings.STORAGES = {**settings.STORAGES, "default": server.storage(querystring_auth=True)}
    yield "s3"
    server.stop()


def stored_keys() -> set[str]:
    def walk(prefix: str) -> set[str]:
        try:
            folders, files = default_storage.listdir(prefix)
        except FileNotFoundError:
            return set()
        return {f"{prefix}/{f}" for f in files} | {k for d in folders for k in walk(f"{prefix}/{d}")}

    return walk("projects")


def upload(api, files: dict[str, bytes], boxes: dict | None = None, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"files": [SimpleUploadedFile(name, content) for name, content in files.items()], **fields}
    if boxes is not None:
        data["boxes"] = json.dumps(boxes)
    return api.post(URL, data, format="multipart")


def test_upload_with_boxes_is_stored_and_streamed(shapes, users, client_for, storage):
    api = client_for(users["engineer"])
    first, boxes = shapes_image(1)
    second = png(40, 30, seed=2, fmt="JPEG")
    response = upload(api, {"a.png": first, "b.jpg": second}, {"a.png": boxes})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["labelled"]) == (2, 1)
    a, b = Item.objects.get(pk=body["items"][0]), Item.objects.get(pk=body["items"][1])
    assert (a.width, a.height, a.content_type, a.boxes[0]["label"]) == (96, 64, "image/png", boxes[0]["label"])
    assert (b.width, b.height, b.content_type, b.boxes) == (40, 30, "image/jpeg", None)
    import hashlib

    assert a.content_hash == hashlib.sha256(first).hexdigest()
    assert len(stored_keys()) == 2
    image = client_for(users["annotator"]).get(f"/api/v1/items/{a.pk}/image/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == first
    assert client_for(users["outsider"]).get(f"/api/v1/items/{a.pk}/image/").status_code == 403
    again = upload(api, {"copy.png": first})  # same bytes: deduplicated
    assert again.json()["duplicates"] == 1 and again.json()["items"] == [a.pk]


def test_holdout_needs_boxes_and_empty_list_means_nothing_here(shapes, users, client_for):
    api = client_for(users["engineer"])
    refused = upload(api, {"h.png": png(seed=3)}, split="holdout")
    assert refused.status_code == 400 and "holdout" in refused.json()["detail"]
    ok = upload(api, {"h.png": png(seed=3)}, {"h.png": []}, split="holdout")
    assert ok.status_code == 201
    assert Item.objects.get(pk=ok.json()["items"][0]).boxes == []


def _bomb() -> bytes:
    return png(400, 400, seed=4)


@pytest.mark.parametrize("case", ["not_image", "truncated", "too_big", "bomb", "outside", "zero_size", "negative",
                                  "unknown_label", "stray_boxes", "bad_json", "no_files", "gif", "bad_split"])
def test_refusals_store_nothing(shapes, users, client_for, settings, storage, case):
    api = client_for(users["engineer"])
    good, good_boxes = shapes_image(5)
    files, boxes, fields = {"ok.png": good, "x.png": png(seed=6)}, {"ok.png": good_boxes}, {}
    expected = 400
    if case == "not_image":
        files["x.png"] = b"this is not an image at all"
    elif case == "truncated":
        files["x.png"] = png(seed=6)[:-200]
    elif case == "too_big":
        settings.IMAGE_MAX_BYTES, expected = 100, 413
    elif case == "bomb":
        files["x.png"], settings.IMAGE_MAX_PIXELS, expected = _bomb(), 100_000, 413
    elif case == "outside":
        boxes["x.png"] = [{"label": "circle", "x": 90, "y": 10, "w": 20, "h": 10}]
    elif case == "zero_size":
        boxes["x.png"] = [{"label": "circle", "x": 1, "y": 1, "w": 0, "h": 10}]
    elif case == "negative":
        boxes["x.png"] = [{"label": "circle", "x": -5, "y": 1, "w": 10, "h": 10}]
    elif case == "unknown_label":
        boxes["x.png"] = [{"label": "hexagon", "x": 1, "y": 1, "w": 10, "h": 10}]
    elif case == "stray_boxes":
        boxes["missing.png"] = []
    elif case == "no_files":
        files = {}
    elif case == "gif":
        files["x.png"] = png(seed=6, fmt="GIF")
    elif case == "bad_split":
        fields["split"] = "test"
    before = (Item.objects.count(), AuditEvent.objects.count(), stored_keys())
    if case == "bad_json":
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = api.post(URL, {"files": [SimpleUploadedFile("a.png", good)], "boxes": "{not json"},
                            format="multipart")
    else:
        response = upload(api, files, boxes, **fields)
    assert response.status_code == expected, response.content
    assert response.json()["detail"]
    assert (Item.objects.count(), AuditEvent.objects.count(), stored_keys()) == before


def test_annotator_cannot_upload(shapes, users, client_for):
    assert upload(client_for(users["annotator"]), {"a.png": png()}).status_code == 403


def test_validation_never_tries_to_install_plugins_after_ultralytics_is_imported(monkeypatch):
    """ultralytics patches PIL.Image.open to pip-install a HEIF plugin on unknown files; uploads must not trigger it."""
    import ultralytics.utils.checks as checks
    import ultralytics.utils.patches  # noqa: F401  (applies the patch)

    from apps.core.exceptions import ApplicationError
    from apps.items.images import image_check

    def refuse(*args, **kwargs):
        raise AssertionError("check_requirements was called: an install was attempted")

    monkeypatch.setattr(checks, "check_requirements", refuse)
    with pytest.raises(ApplicationError, match="not an image"):
        image_check(file_name="x.png", data=b"definitely not an image")
    assert image_check(file_name="ok.png", data=png()).width == 96


def test_too_many_files_is_a_json_400(shapes, users, client_for, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = upload(client_for(users["engineer"]), {f"{i}.png": png(seed=i) for i in range(3)})
    assert response.status_code == 400 and "Too many files" in response.json()["detail"]
    assert not Item.objects.exists()


def test_predicting_uploads_without_a_champion_stores_nothing(shapes, users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(users["annotator"]).post("/api/v1/projects/shapes/predict/",
                                                   {"files": [SimpleUploadedFile("a.png", png())]}, format="multipart")
    assert response.status_code == 409 and not Item.objects.exists()


def test_detection_reads_stored_images_in_place_or_from_a_copy(shapes, users, client_for, storage):
    """YOLO reads a local store's files where they lie; from S3 it gets copies, gone when the prediction ends."""
    import contextlib

    from apps.predictions.detection import image_paths

    images = {"a.png": shapes_image(1)[0], "b.jpg": png(40, 30, seed=2, fmt="JPEG")}
    response = upload(client_for(users["engineer"]), images)
    assert response.status_code == 201, response.content
    items = list(Item.objects.filter(pk__in=response.json()["items"]).order_by("pk"))
    with contextlib.ExitStack() as stack:
        paths = image_paths(items, stack)
        assert [p.read_bytes() for p in paths] == list(images.values())
        assert [p.suffix for p in paths] == [".png", ".jpg"]  # YOLO knows the format by the suffix
        in_place = [default_storage.path(i.storage_key) for i in items] if storage == "local" else None
        assert ([str(p) for p in paths] == in_place) if in_place else paths[0].parent.name.startswith("hitl-predict-")
    assert all(p.exists() for p in paths) == (storage == "local")  # the stored files stay, the copies go


@pytest.mark.parametrize("body", [3388423, "files", [1, 2]])
def test_a_json_body_that_is_not_an_object_is_a_400(shapes, users, client_for, body):
    """Found by the schema fuzzer: a bare JSON number sent to a detection project's import was a 500."""
    response = client_for(users["engineer"]).post("/api/v1/projects/shapes/items/", body, format="json")
    assert response.status_code == 400 and "multipart" in response.json()["detail"], response.content
    assert Item.objects.filter(project=shapes).count() == 0
