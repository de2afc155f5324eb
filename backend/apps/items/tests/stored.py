"""Items written straight to the database and storage, as earlier versions stored them: the bytes and the file
name exactly as given (no EXIF orientation applied, no name cleaning), for tests of what old rows still meet."""
import hashlib

from apps.items.images import CheckedImage, image_store
from apps.items.models import Item

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def stored_image_item(project, data: bytes, *, file_name: str, width: int, height: int, boxes=None,
                      content_type: str = "image/png") -> Item:
    sha = hashlib.sha256(data).hexdigest()
    key, _ = image_store(project_slug=project.slug, image=CheckedImage(
        file_name=file_name, data=data, sha256=sha, width=width, height=height, content_type=content_type,
        extension=EXTENSIONS[content_type]))
    return Item.objects.create(project=project, content_hash=sha, storage_key=key, file_name=file_name,
                               content_type=content_type, width=width, height=height, boxes=boxes)
