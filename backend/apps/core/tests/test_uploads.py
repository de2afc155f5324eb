"""Upload limits hold before and while a body is read: a request over UPLOAD_MAX_REQUEST_BYTES is refused from its
Content-Length (the body is never read), a chunked body without a length is refused, each file is checked (size,
type) as it streams, and files are spooled to an owner-only folder on disk rather than held in memory."""
import io
import os
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from apps.core.exceptions import ApplicationError
from apps.core.tests.images import png
from apps.items.models import Item
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(users):
    project_create(slug="up", name="Up", task="object_detection", labels=["a", "b"], creator=users["engineer"])
    return "/api/v1/projects/up/items/"


def test_content_length_over_the_limit_is_refused_before_reading(users, client_for, url, settings):
    # FakePayload of 0 bytes raises if anything tries to read the 2 GiB that the header announces
    response = client_for(users["engineer"]).generic("POST", url, b"", content_type=MULTIPART_CONTENT,
                                                     CONTENT_LENGTH=str(2 * 1024**3))
    assert response.status_code == 413
    assert f"over the {settings.UPLOAD_MAX_REQUEST_BYTES} byte limit" in response.json()["detail"]
    assert "UPLOAD_MAX_REQUEST_BYTES" in response.json()["detail"]


def test_many_files_over_the_request_limit_are_refused(users, client_for, url, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 200_000
    files = [SimpleUploadedFile(f"{i}.png", png(200, 200, seed=i) + b"\0" * 30_000) for i in range(10)]
    response = client_for(users["engineer"]).post(url, {"files": files}, format="multipart")
    assert response.status_code == 413 and "UPLOAD_MAX_REQUEST_BYTES" in response.json()["detail"]
    assert not Item.objects.exists()


def test_without_the_middleware_the_upload_handler_refuses_too(users, client_for, url, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequestSizeLimitMiddleware")]
    settings.UPLOAD_MAX_REQUEST_BYTES = 100_000
    files = [SimpleUploadedFile(f"{i}.png", png(seed=i) + b"\0" * 40_000) for i in range(4)]
    response = client_for(users["engineer"]).post(url, {"files": files}, format="multipart")
    assert response.status_code == 413 and "UPLOAD_MAX_REQUEST_BYTES" in response.json()["detail"]


def test_chunked_body_without_length_is_refused(users, client_for, url):
    response = client_for(users["engineer"]).generic("POST", url, b"", content_type=MULTIPART_CONTENT,
                                                     CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411 and "Content-Length" in response.json()["detail"]


def test_a_file_over_its_limit_is_refused_as_it_streams(users, client_for, url, settings):
    settings.IMAGE_MAX_BYTES = 50_000
    files = [SimpleUploadedFile("small.png", png(seed=1)), SimpleUploadedFile("big.png", png(seed=2) + b"\0" * 60_000),
             SimpleUploadedFile("after.png", png(seed=3))]
    response = client_for(users["engineer"]).post(url, {"files": files}, format="multipart")
    assert response.status_code == 413
    assert response.json()["detail"] == "big.png: over the 50000 byte limit for one file."
    assert not Item.objects.exists()


def _multipart(files: dict[str, bytes]):
    body = encode_multipart(BOUNDARY, {"files": [SimpleUploadedFile(n, d) for n, d in files.items()]})
    return RequestFactory().generic("POST", "/x/", body, content_type=MULTIPART_CONTENT)


def test_the_type_of_each_image_part_is_checked_while_parsing():
    tiff = io.BytesIO()
    Image.new("RGB", (64, 64)).save(tiff, "TIFF")
    request = _multipart({"ok.png": png(seed=1), "scan.tif": tiff.getvalue(), "later.png": png(seed=2)})
    with pytest.raises(ApplicationError, match=r"scan\.tif: not an image of a supported type") as refused:
        request.FILES  # noqa: B018 (parsing happens on access)
    assert refused.value.status == 400


def test_files_are_spooled_to_an_owner_only_folder(settings):
    request = _multipart({"a.png": png(seed=1) + os.urandom(200_000), "b.png": png(seed=2) + os.urandom(200_000)})
    files = request.FILES.getlist("files")
    assert len(files) == 2 and all(isinstance(f, TemporaryUploadedFile) for f in files)
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert all(Path(f.temporary_file_path()).parent == folder for f in files)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert str(folder).startswith(str(settings.VAR_DIR))


def test_outside_the_api_a_refused_upload_is_a_400_not_a_500(client, settings):
    settings.IMAGE_MAX_BYTES = 10_000
    tiff = io.BytesIO()
    Image.new("RGB", (64, 64)).save(tiff, "TIFF")
    for files in ([SimpleUploadedFile("scan.tif", tiff.getvalue())],
                  [SimpleUploadedFile("big.png", png() + b"\0" * 20_000)]):
        response = client.post("/admin/login/", {"username": "x", "password": "y", "files": files})
        assert response.status_code == 400
