"""House rules for ai_models.formats: importing it is light (no Pillow, YOLO, COCO tools) and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODULES = ["formats", "formats.records", "formats.yolo", "formats.coco", "formats.labelstudio", "formats.tabular"]


def test_import_is_light_and_side_effect_free(tmp_path: Path) -> None:
    code = (
        "import sys, os\n"
        + "".join(f"import ai_models.{m}\n" for m in MODULES)
        + "heavy = [m for m in ('PIL', 'ultralytics', 'pycocotools', 'torch', 'numpy', 'django', 'mlflow')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert os.listdir('.') == [], os.listdir('.')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
