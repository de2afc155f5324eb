"""Content-Disposition is built by Django's content_disposition_header: a stored file name with a quote, a
newline or non-ASCII letters is escaped or RFC 6266/5987-encoded, never spliced into the header as is."""
import pytest
from django.utils.http import content_disposition_header

from apps.core.tests.images import png
from apps.items.models import Item
from apps.items.tests.stored import stored_image_item
from apps.projects.services import project_create, project_member_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(users, settings, test_tmp):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(test_tmp / "storage-headers")}}}
    project = project_create(slug="hdr", name="Headers", task="object_detection", labels=["a", "b"],
                             creator=users["engineer"])
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])

    def make(file_name: str) -> Item:
        return stored_image_item(project, png(8, 8, seed=len(file_name)), file_name=file_name, width=8, height=8)

    return make


@pytest.mark.parametrize("name", ['q"; x="y.png', "two\nlines.png", "r\r\nSet-Cookie: a=b.png", "été 写真.png",
                                  "plain.png"])
def test_image_endpoint_header_is_escaped(stored, users, client_for, name):
    item = stored(name)
    response = client_for(users["annotator"]).get(f"/api/v1/items/{item.pk}/image/")
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header == content_disposition_header(False, name)
    assert "\n" not in header and "\r" not in header and header.isascii()
    assert '"; x="' not in header  # the quote is escaped: no parameter of the uploader's making
    assert "Set-Cookie" not in response.headers
