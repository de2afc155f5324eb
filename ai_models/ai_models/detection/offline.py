"""Keeping ultralytics offline, and picking the torch device.

ultralytics reaches the network in several places, each neutralised by :func:`configure_offline`:

* import time: ``ultralytics.utils.ONLINE = is_online()`` resolves public DNS names — skipped
  when ``YOLO_OFFLINE=1`` is set before the first import (set here; ``ONLINE`` is also forced to
  ``False`` afterwards in case ultralytics was imported earlier);
* ``Model.train`` asks PyPI for a newer version when ``ONLINE`` (off with it);
* anonymous usage events (Google Analytics, ``utils.events``) and the Ultralytics Platform
  callbacks (upload when an API key is set): disabled and their callback tables emptied;
* ``check_det_dataset``/plots call ``check_font("Arial.ttf")``, which downloads the font when it
  is not in the settings dir: matplotlib's bundled DejaVuSans.ttf is copied there under the
  names ultralytics looks for (``Arial.ttf``, ``Arial.Unicode.ttf``);
* ``check_amp`` downloads ``yolo26n.pt``: never reached because training passes ``amp=False``
  (and ultralytics skips it on CPU anyway);
* ``check_requirements`` pip-installs missing packages: ``YOLO_AUTOINSTALL=false``;
* the ClearML/Comet/DVC/MLflow/Ray Tune/TensorBoard/W&B callbacks: off in the settings (the
  MLflow one would otherwise log every YOLO run into whatever tracking server is configured);
* weights are never given by bare asset name (``yolo11n.pt`` would be downloaded): training
  starts from a YAML or an existing local checkpoint (see :func:`require_local_weights`).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)

FONT_NAMES = ("Arial.ttf", "Arial.Unicode.ttf")
SETTINGS_OFF = {
    "sync": False,
    "hub": False,
    "api_key": "",
    "clearml": False,
    "comet": False,
    "dvc": False,
    "mlflow": False,
    "raytune": False,
    "tensorboard": False,
    "wandb": False,
    "vscode_msg": False,
    "openvino_msg": False,
}
_state: dict[str, str] = {}


def _settings_dir_in_use() -> Path:
    from ultralytics.utils import USER_CONFIG_DIR

    return Path(USER_CONFIG_DIR)


def configure_offline(settings_dir: Path | None = None) -> None:
    """Make every later ultralytics call run without network access. Idempotent.

    ``settings_dir`` (e.g. a folder under the app's data dir) holds ultralytics' settings and
    fonts; it only takes effect when ultralytics has not been imported yet in this process
    (``YOLO_CONFIG_DIR`` is read at import), otherwise the existing one is kept (logged).
    Without it, ultralytics' default (``$YOLO_CONFIG_DIR`` or ``~/.config/Ultralytics``) is used.
    """
    import sys

    wanted = str(Path(settings_dir).resolve()) if settings_dir is not None else ""
    if _state.get("done") and (not wanted or _state.get("wanted") == wanted):
        return
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "false"
    if wanted:
        if "ultralytics" in sys.modules:
            logger.warning("ultralytics already imported; its settings stay in %s", _settings_dir_in_use())
        else:
            Path(wanted).mkdir(parents=True, exist_ok=True)
            os.environ["YOLO_CONFIG_DIR"] = wanted

    import ultralytics.utils as ul_utils
    from ultralytics.utils import SETTINGS, checks, events
    from ultralytics.utils.callbacks import platform

    ul_utils.ONLINE = False
    checks.ONLINE = False
    checks.AUTOINSTALL = False
    events.events.enabled = False
    events.callbacks.clear()
    platform.callbacks.clear()
    SETTINGS.update({k: v for k, v in SETTINGS_OFF.items() if k in SETTINGS.defaults})

    config_dir = Path(checks.USER_CONFIG_DIR)
    source = _bundled_font()
    for name in FONT_NAMES:
        target = config_dir / name
        if not target.exists():
            config_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    _state.update(done="1", wanted=wanted)


def _bundled_font() -> Path:
    """matplotlib's DejaVuSans.ttf (matplotlib is an ultralytics dependency)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def auto_device() -> str:
    """``"0"`` (first GPU) when CUDA is available, else ``"cpu"``."""
    import torch

    return "0" if torch.cuda.is_available() else "cpu"


def require_local_weights(weights: Path | str) -> Path:
    """The path of an existing local weights file; never let ultralytics resolve (download) a
    bare name such as ``yolo11n.pt``."""
    path = Path(weights)
    if not path.is_file():
        raise FileNotFoundError(f"Detector weights not found: {path}")
    return path
