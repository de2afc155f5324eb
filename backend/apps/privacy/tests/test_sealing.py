"""Crypto-shredding (apps.privacy.sealing): a subject's texts and images are stored sealed under the subject's key,
read back in the clear through every ORM path, re-sealed when rectified, sealed too when they were stored before
sealing existed (migration privacy.0005), and unreadable in any copy once erasure destroys the key."""
import pytest
from django.apps import apps as django_apps
from django.core.files.storage import default_storage
from django.db.models import TextField
from django.db.models.functions import Cast

from apps.core.tests.images import shapes_image
from apps.items.images import image_is_sealed, image_local_path, image_open, image_store
from apps.items.models import Item
from apps.items.services import content_hash, items_import
from apps.privacy.models import SubjectKey
from apps.privacy.sealing import (
    MARK,
    SEALED_BYTES_OVERHEAD,
    SubjectKeyDestroyed,
    SubjectKeyError,
    is_sealed_text,
    keyring,
    open_bytes,
    open_text,
    seal_text,
)
from apps.privacy.services import item_rectify, subject_erase

pytestmark = pytest.mark.django_db
REF, OTHER = "subject-seal-1", "subject-seal-2"
TEXT = "Wilhelmina Oakfeather asks where her parcel to Brackenholt is"


@pytest.fixture
def detection_project(users, settings, tmp_path):
    from apps.projects.services import project_create, project_member_add

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "storage")}}}
    shapes = project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square", "triangle"],
                            creator=users["engineer"])
    project_member_add(project=shapes, user=users["annotator"], actor=users["engineer"])
    return shapes


def raw_text(item_id: int) -> str:
    """The column as the database (and so any dump of it) holds it."""
    return Item.objects.filter(pk=item_id).values_list(Cast("text", TextField()), flat=True).get()


def test_a_subjects_text_is_sealed_at_rest_and_plain_to_every_reader(project, users):
    items_import(project=project, actor=users["engineer"], rows=[
        {"text": TEXT, "subject_ref": REF}, {"text": "a second text of the same person", "subject_ref": REF},
        {"text": "someone else's text", "subject_ref": OTHER}, {"text": "nobody's text at all"}])
    mine = Item.objects.get(project=project, content_hash=content_hash(TEXT))
    stored = raw_text(mine.pk)
    assert is_sealed_text(stored) and "Oakfeather" not in stored
    assert mine.text == TEXT
    assert Item.objects.filter(pk=mine.pk).values_list("text", flat=True).get() == TEXT
    assert {r["text"] for r in Item.objects.filter(subject_ref=REF).values("text")} == {
        TEXT, "a second text of the same person"}
    plain = Item.objects.get(project=project, content_hash=content_hash("nobody's text at all"))
    assert raw_text(plain.pk) == "nobody's text at all"  # no subject: nothing to seal it under
    assert SubjectKey.objects.count() == 2  # one key per subject, not per item
    assert not SubjectKey.objects.filter(subject_hash__in=[REF, OTHER]).exists()  # keyed hashes, never the ref


def test_rectification_seals_the_new_text(project, users, officer):
    items_import(project=project, actor=users["engineer"], rows=[{"text": TEXT, "subject_ref": REF}])
    item = Item.objects.get(project=project, content_hash=content_hash(TEXT))
    item_rectify(item_id=item.pk, text="Wilhelmina Oakfeather moved to Harrowgate", actor=officer)
    stored = raw_text(item.pk)
    assert is_sealed_text(stored) and "Harrowgate" not in stored
    assert Item.objects.get(pk=item.pk).text == "Wilhelmina Oakfeather moved to Harrowgate"


def test_no_text_may_pass_for_a_sealed_one(project, users, client_for):
    lookalike = f"{MARK}1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    refused = client_for(users["engineer"]).post(f"/api/v1/projects/{project.slug}/items/", {"items": [
        {"text": lookalike, "subject_ref": REF}]}, format="json")
    assert refused.status_code == 400 and "reserved" in str(refused.json())
    assert not Item.objects.filter(content_hash=content_hash(lookalike)).exists()
    # A value that got into the column another way (a restored dump, a hand-written row) and does not authenticate
    # under the key it names is shown as it is: neither opened nor blanked.
    items_import(project=project, actor=users["engineer"], rows=[{"text": "x", "subject_ref": REF},
                                                                  {"text": "a plain text"}])
    key_id = SubjectKey.objects.get().pk
    forged = f"{MARK}{key_id}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    plain = Item.objects.get(project=project, content_hash=content_hash("a plain text"))
    Item.objects.filter(pk=plain.pk).update(text=forged)
    assert Item.objects.get(pk=plain.pk).text == forged


def test_a_wrong_key_encryption_key_is_a_clear_error(project, users, settings):
    items_import(project=project, actor=users["engineer"], rows=[{"text": TEXT, "subject_ref": REF}])
    item_id = Item.objects.get(project=project, content_hash=content_hash(TEXT)).pk
    settings.SUBJECT_KEK = "not-the-secret-the-keys-were-wrapped-with"
    keyring.clear()
    with pytest.raises(SubjectKeyError, match="SUBJECT_KEK"):
        Item.objects.get(pk=item_id).text  # noqa: B018


def test_erasure_destroys_the_key_so_an_earlier_copy_reads_as_nothing(project, users, officer,
                                                                      django_capture_on_commit_callbacks):
    items_import(project=project, actor=users["engineer"], rows=[{"text": TEXT, "subject_ref": REF},
                                                                  {"text": "kept: another subject", "subject_ref": OTHER}])
    item_id = Item.objects.get(project=project, content_hash=content_hash(TEXT)).pk
    backup = raw_text(item_id)
    assert open_text(backup) == TEXT
    with django_capture_on_commit_callbacks(execute=True):
        erasure = subject_erase(subject_ref=REF, actor=officer)
    assert erasure.result["keys_destroyed"] == 1
    assert open_text(backup) == ""  # the backup's ciphertext has no key any more
    assert SubjectKey.objects.count() == 1
    other = Item.objects.get(project=project, content_hash=content_hash("kept: another subject"))
    assert other.text == "kept: another subject"  # another subject's key and content are untouched


def test_a_subjects_image_is_sealed_in_storage_and_plain_through_the_api(detection_project, users, client_for,
                                                                         django_capture_on_commit_callbacks):
    image, _boxes = shapes_image(5)
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = client_for(users["engineer"])
    response = api.post(f"/api/v1/projects/{detection_project.slug}/items/",
                        {"files": [SimpleUploadedFile("person.png", image)], "subject_ref": REF}, format="multipart")
    assert response.status_code == 201, response.content
    item = Item.objects.get(pk=response.json()["items"][0])
    assert image_is_sealed(item.storage_key) and image_local_path(item.storage_key) is None
    with default_storage.open(item.storage_key, "rb") as handle:
        at_rest = handle.read()
    assert image not in at_rest and open_bytes(at_rest) == image
    assert len(at_rest) - len(image) == SEALED_BYTES_OVERHEAD  # what the erasure's search of copies subtracts
    assert image_open(item.storage_key).read() == image
    served = client_for(users["annotator"]).get(f"/api/v1/items/{item.pk}/image/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == image

    with django_capture_on_commit_callbacks(execute=True):
        subject_erase(subject_ref=REF, actor=users["admin"])
    assert not default_storage.exists(item.storage_key)
    with pytest.raises(SubjectKeyDestroyed):
        open_bytes(at_rest)  # a copy of the bucket taken before the erasure


def test_the_migration_seals_what_was_stored_in_the_clear(project, detection_project, users,
                                                          django_capture_on_commit_callbacks):
    import importlib

    items_import(project=project, actor=users["engineer"], rows=[{"text": TEXT, "subject_ref": REF}])
    text_item = Item.objects.get(project=project, content_hash=content_hash(TEXT))
    Item.objects.filter(pk=text_item.pk).update(text=TEXT)  # as a row written before sealing existed
    image, _boxes = shapes_image(6)
    from apps.items.images import CheckedImage, image_check

    checked: CheckedImage = image_check(file_name="legacy.png", data=image)
    key, _ = image_store(project_slug=detection_project.slug, image=checked)
    legacy = Item.objects.create(project=detection_project, content_hash=checked.sha256, storage_key=key,
                                 file_name="legacy.png", content_type="image/png", width=checked.width,
                                 height=checked.height, subject_ref=OTHER)
    assert raw_text(text_item.pk) == TEXT

    migration = importlib.import_module("apps.privacy.migrations.0005_seal_existing_subject_content")
    with django_capture_on_commit_callbacks(execute=True):
        migration.seal_existing(django_apps, None)

    assert is_sealed_text(raw_text(text_item.pk)) and Item.objects.get(pk=text_item.pk).text == TEXT
    legacy.refresh_from_db()
    assert image_is_sealed(legacy.storage_key) and image_open(legacy.storage_key).read() == image
    assert not default_storage.exists(key)  # the plain object is gone once the sealed one is committed
    with django_capture_on_commit_callbacks(execute=True):
        migration.seal_existing(django_apps, None)  # idempotent
    assert Item.objects.get(pk=text_item.pk).text == TEXT


def test_sealing_binds_each_value_to_its_key(project, users):
    items_import(project=project, actor=users["engineer"], rows=[{"text": "x", "subject_ref": REF},
                                                                  {"text": "y", "subject_ref": OTHER}])
    mine = seal_text(TEXT, REF)
    other_key = SubjectKey.objects.exclude(pk=int(mine[len(MARK):].split(":")[0])).get().pk
    moved = f"{MARK}{other_key}:{mine.split(':', 3)[-1]}"  # the ciphertext under another subject's key id
    assert open_text(mine) == TEXT and open_text(moved) == moved


def test_a_key_made_by_a_rolled_back_import_is_never_used_again(project, users):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        items_import(project=project, actor=users["engineer"], rows=[{"text": "first try", "subject_ref": REF}])
        raise RuntimeError("the import's transaction fails after the key was made")
    assert not SubjectKey.objects.exists()
    items_import(project=project, actor=users["engineer"], rows=[{"text": TEXT, "subject_ref": REF}])
    keyring.clear()  # as another process would: from the table alone
    assert Item.objects.get(project=project, content_hash=content_hash(TEXT)).text == TEXT
