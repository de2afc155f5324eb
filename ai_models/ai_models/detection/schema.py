"""Plain dataclasses of the detector: its parameters, one labelled image, one training's result."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ai_models.boxes import Box

DETECTION_SECTION = "object_detection"


@dataclass(frozen=True)
class DetectionParams:
    """Parameters of YOLO training/evaluation (top-level keys + the ``object_detection`` section).

    ``model`` is the architecture YAML (or a local ``.pt``) a project's first model starts from;
    ``kfold_epochs`` the (shorter) training of each cross-validation fold.
    """

    k_folds: int = 5
    seed: int = 42
    epochs: int = 10
    batch_size: int = 16
    img_size: int = 160
    patience: int = 5
    model: str = "yolo11n.yaml"
    val_fraction: float = 0.2
    conf: float = 0.25
    kfold_epochs: int = 3

    @classmethod
    def from_params(cls, d: dict[str, Any] | None) -> DetectionParams:
        """Build from a loaded params dict: ``K_FOLDS``, ``SEED``, ``EPOCHS``, ``BATCH_SIZE``,
        ``IMG_SIZE``, ``PATIENCE`` + section ``object_detection`` (model, val_fraction, conf,
        kfold_epochs). Missing keys fall back to the defaults, unknown ones are ignored."""
        d = d or {}
        section = d.get(DETECTION_SECTION) or {}
        if not isinstance(section, dict):
            raise TypeError(f"'{DETECTION_SECTION}' must be a mapping, got {type(section).__name__}")
        f = cls()
        params = cls(
            k_folds=int(d.get("K_FOLDS", f.k_folds)),
            seed=int(d.get("SEED", f.seed)),
            epochs=int(d.get("EPOCHS", f.epochs)),
            batch_size=int(d.get("BATCH_SIZE", f.batch_size)),
            img_size=int(d.get("IMG_SIZE", f.img_size)),
            patience=int(d.get("PATIENCE", f.patience)),
            model=str(section.get("model", f.model)),
            val_fraction=float(section.get("val_fraction", f.val_fraction)),
            conf=float(section.get("conf", f.conf)),
            kfold_epochs=int(section.get("kfold_epochs", f.kfold_epochs)),
        )
        params.check()
        return params

    def check(self) -> None:
        """Raise ``ValueError`` on values YOLO cannot train with."""
        positive = {k: getattr(self, k) for k in ("epochs", "batch_size", "img_size", "kfold_epochs")}
        bad = {k: v for k, v in positive.items() if v < 1}
        if bad:
            raise ValueError(f"Detection parameters must be >= 1: {bad}")
        if not 0 <= self.val_fraction < 1:
            raise ValueError(f"val_fraction must be in [0, 1), got {self.val_fraction}.")
        if not 0 <= self.conf <= 1:
            raise ValueError(f"conf must be in [0, 1], got {self.conf}.")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (e.g. for logging as run parameters)."""
        return asdict(self)


@dataclass(frozen=True)
class DetectionExample:
    """One labelled image. ``weight`` is how many times it is repeated in the train split
    (``round(weight)``, at least 1): YOLO has no per-sample loss weights."""

    image_path: Path
    width: int
    height: int
    boxes: tuple[Box, ...]
    weight: float = 1.0
    item_id: int | None = None  # the backend's item, named in errors so that an engineer can find it


@dataclass(frozen=True)
class DetectorTrainResult:
    """Weights of one training (``best.pt``, else ``last.pt``) and its per-epoch metrics."""

    weights_path: Path
    epochs_run: int
    per_epoch: list[dict[str, float]]
