"""Hyper-parameters: reading ``params.yaml`` and mapping it onto typed dataclasses.

This module owns the shape of the parameters the text classifier is trained with. The
repository-level ``params.yaml`` (owned by the pipeline, not by this package) is expected to
look like::

    K_FOLDS: 5
    SEED: 42

    text_classification:
      ngram_max: 2
      min_df: 1
      max_features: 50000
      C: 4.0
      max_iter: 2000
      class_weight: balanced   # or null for no re-weighting
      model: tfidf_lr          # or embedding_lr: sentence embeddings (encoder below) + logistic regression
      encoder: all-MiniLM-L6-v2

Unknown keys (top-level or inside ``text_classification``) are ignored, missing ones fall back
to the dataclass defaults.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

TEXT_SECTION = "text_classification"
TEXT_MODELS = ("tfidf_lr", "embedding_lr")


def load_params(path: str | Path) -> dict[str, Any]:
    """Read a params YAML file; an empty file yields ``{}``."""
    with Path(path).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TypeError(
            f"{path}: expected a mapping at the top level, got {type(data).__name__}"
        )
    return data


@dataclass(frozen=True)
class TextParams:
    """Parameters of the text classifier (TF-IDF or sentence embeddings, then logistic regression) and its evaluation."""

    k_folds: int = 5
    seed: int = 42
    ngram_max: int = 2
    min_df: int = 1
    max_features: int = 50000
    C: float = 4.0
    max_iter: int = 2000
    class_weight: str | None = "balanced"
    model: str = "tfidf_lr"
    encoder: str = "all-MiniLM-L6-v2"

    def __post_init__(self) -> None:
        if self.model not in TEXT_MODELS:
            raise ValueError(f"text_classification.model must be one of {list(TEXT_MODELS)}, got {self.model!r}")

    @classmethod
    def from_params(cls, d: dict[str, Any] | None) -> TextParams:
        """Build from a loaded params dict (top-level ``K_FOLDS``/``SEED`` + the text section)."""
        d = d or {}
        section = d.get(TEXT_SECTION) or {}
        if not isinstance(section, dict):
            raise TypeError(
                f"'{TEXT_SECTION}' must be a mapping, got {type(section).__name__}"
            )
        defaults = cls()
        return cls(
            k_folds=int(d.get("K_FOLDS", defaults.k_folds)),
            seed=int(d.get("SEED", defaults.seed)),
            ngram_max=int(section.get("ngram_max", defaults.ngram_max)),
            min_df=int(section.get("min_df", defaults.min_df)),
            max_features=int(section.get("max_features", defaults.max_features)),
            C=float(section.get("C", defaults.C)),
            max_iter=int(section.get("max_iter", defaults.max_iter)),
            class_weight=section.get("class_weight", defaults.class_weight),
            model=str(section.get("model", defaults.model)),
            encoder=str(section.get("encoder", defaults.encoder)),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (e.g. for logging as run parameters)."""
        return asdict(self)
