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
