"""Safe file names: one plain segment with the right extension, whatever an upload or an archive called it."""

from __future__ import annotations

import pytest

from ai_models.formats.names import MAX_STEM, is_safe_file_name, safe_file_name
from ai_models.formats.records import FormatError, ImageRecord, check_export_names


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("a%2Fb.png", "png", "a_2Fb.png"),  # nothing left to percent-decode into a folder
        ("photo%20(1).png", "png", "photo_20(1).png"),
        ("images/train/..\\evil.png", "png", "evil.png"),
        ("../../etc/passwd", "png", "passwd.png"),
        ("..", "png", "image.png"),
        ("", "jpg", "image.jpg"),
        ('q"; x="y.png', "png", "q_ x=_y.png"),
        ("two\nlines\r\x00.png", "png", "two_lines.png"),
        ("\u202egnp.exe", "png", "gnp.exe.png"),  # a right-to-left override is a format character: dropped
        ("été 写真.png", "png", "été 写真.png"),
        ("IMG_0001.JPEG", "jpg", "IMG_0001.jpeg"),  # an alias of the real format is kept
        ("x.png", "jpg", "x.jpg"),  # another image format's extension is replaced
        ("scan.v2", "jpg", "scan.v2.jpg"),
        (".hidden.png", "png", "hidden.png"),
    ],
)
def test_safe_file_name(name: str, extension: str, expected: str) -> None:
    assert safe_file_name(name, extension) == expected
    assert is_safe_file_name(expected)


def test_long_names_are_bounded() -> None:
    name = safe_file_name("x" * 5000 + ".webp", "webp")
    assert name == "x" * MAX_STEM + ".webp"


@pytest.mark.parametrize("name", ["a%2Fb.png", "a/b.png", "..\\evil.png", "..", ".png", "x", "a\nb.png", "a.p/g"])
def test_exports_refuse_unsafe_names(name: str) -> None:
    assert not is_safe_file_name(name)
    with pytest.raises(FormatError, match="plain name without folders"):
        check_export_names([ImageRecord(name, 10, 10)])
