"""The training data check opens dataset images with the accepted decoders only (header only, no pixels)."""

from __future__ import annotations

import pytest
from PIL import Image, UnidentifiedImageError

from ai_models.boxes import Box
from ai_models.detection.dataset import write_yolo_dataset
from ai_models.detection.schema import DetectionExample


def test_a_file_of_another_format_is_refused(tmp_path):
    path = tmp_path / "looks-like.png"
    Image.new("RGB", (40, 30), "white").save(path, "GIF")  # a GIF decoder is never needed for a dataset
    example = DetectionExample(path, 40, 30, (Box("a", 1, 1, 10, 10),))
    with pytest.raises(UnidentifiedImageError):
        write_yolo_dataset([example], ["a", "b"], tmp_path / "out", val_fraction=0.0, seed=1)


def _phone_jpeg(path, raw_size=(96, 64)):
    """A JPEG as phones write it: raw pixels landscape, EXIF orientation 6 (shown rotated, portrait)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", raw_size, "white").save(path, "JPEG", exif=exif)
    return path


def test_declared_size_is_the_size_as_shown(tmp_path):
    path = _phone_jpeg(tmp_path / "upright.jpg")
    example = DetectionExample(path, 64, 96, (Box("a", 40, 70, 20, 20),), item_id=3)
    assert write_yolo_dataset([example], ["a", "b"], tmp_path / "out", val_fraction=0.0, seed=1).is_file()


def test_size_mismatches_name_every_broken_item(tmp_path):
    good = DetectionExample(_phone_jpeg(tmp_path / "good.jpg"), 64, 96, (Box("a", 1, 1, 10, 10),), item_id=8)
    broken = [DetectionExample(_phone_jpeg(tmp_path / f"raw{i}.jpg"), 96, 64, (Box("a", 1, 1, 10, 10),), item_id=i)
              for i in (7, 12)]
    with pytest.raises(ValueError, match=r"2 image\(s\) .* \(item ids: 7, 12\): item 7 .*declared size 96x64 but "
                                         r"the image is 64x96") as refused:
        write_yolo_dataset([good, *broken], ["a", "b"], tmp_path / "out", val_fraction=0.0, seed=1)
    assert "item 8" not in str(refused.value) and "DELETE /api/v1/items/" in str(refused.value)
