"""Only the decoders of the accepted types ever run on uploaded bytes, and pixels are counted before decoding:
a large TIFF (or any other Pillow format) is refused from its header, without a single pixel decoded."""
import io

import pytest
from PIL import Image

from apps.core.exceptions import ApplicationError
from apps.core.tests.images import png
from apps.items.images import image_check


def peak_rss_growth_kib(action) -> int:
    """How much the process's peak resident memory (VmHWM) grows during `action` (Linux: clear_refs resets it)."""
    def hwm() -> int:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    before = hwm()
    action()
    return hwm() - before


def _tiff(size: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (10, 20, 30)).save(buffer, "TIFF", compression="tiff_deflate")
    return buffer.getvalue()


def test_large_tiff_is_refused_without_decoding(settings):
    data = _tiff(6000)  # 36 Mpx (under IMAGE_MAX_PIXELS), ~170 KB compressed, 108 MB once decoded
    assert len(data) < settings.IMAGE_MAX_BYTES and settings.IMAGE_MAX_PIXELS > 6000 * 6000

    def check():
        with pytest.raises(ApplicationError, match=r"big\.tif: not an image of a supported type \(JPEG, PNG"):
            image_check(file_name="big.tif", data=data)

    assert peak_rss_growth_kib(check) < 20_000


@pytest.mark.parametrize("fmt", ["GIF", "TIFF", "ICO", "PPM"])
def test_other_pillow_formats_are_not_an_image(fmt):
    with pytest.raises(ApplicationError, match="not an image of a supported type") as refused:
        image_check(file_name="x.img", data=png(16, 16, fmt=fmt))
    assert refused.value.status == 400


def test_phone_jpeg_with_a_multi_picture_extension_is_a_jpeg():
    first, second = Image.new("RGB", (32, 24), "red"), Image.new("RGB", (32, 24), "blue")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(buffer.getvalue())) as probe:
        assert probe.format == "MPO"
    checked = image_check(file_name="phone.jpg", data=buffer.getvalue())
    assert (checked.content_type, checked.extension, checked.width, checked.height) == ("image/jpeg", "jpg", 32, 24)
