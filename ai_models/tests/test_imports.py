"""House rules: importing the package has no heavy imports, no Django and no side effects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODULES = [
    "params",
    "datasets",
    "text_classification",
    "demo_vocab",
    "demo_data",
    "tracking",
    "hard_corpus",
    "selection",
    "selection_sim",
    "encoders",
    "encoders.files",
    "encoders.store",
    "encoders.features",
    "encoders.wordpiece",
    "encoders.minilm",
]


def test_import_is_light_and_side_effect_free(tmp_path: Path) -> None:
    code = (
        "import sys, os\n"
        + "".join(f"import ai_models.{m}\n" for m in MODULES)
        + "heavy = [m for m in ('mlflow', 'matplotlib', 'django', 'torch') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert os.listdir('.') == [], os.listdir('.')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
