"""A scikit-learn transformer that turns texts into sentence embeddings, for the ``embedding_lr`` text model.

Its fitted state is plain data — the encoder's id and the sha256 of each of its files — so a saved model names
exactly the encoder it was trained with, skops saves it without pickle, and a process whose local encoder files
differ refuses to predict with it (:class:`EncoderMismatchError`) instead of predicting from other vectors.
Encoding goes through :func:`ai_models.encoders.embed` (the embedding store): never stored in the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ai_models.encoders import embed
from ai_models.encoders.files import MINILM_L6, encoder_spec

# What skops must be told to trust when loading a model holding this transformer (mlflow: skops_trusted_types).
TRUSTED_TYPES = ["ai_models.encoders.features.SentenceEmbedding"]


class EncoderMismatchError(RuntimeError):
    """The model was trained with encoder files other than the ones this process verified."""


class SentenceEmbedding(TransformerMixin, BaseEstimator):
    """``transform(texts) -> (n, dim)`` unit vectors of encoder ``encoder`` (cached per text)."""

    def __init__(self, encoder: str = MINILM_L6.id) -> None:
        self.encoder = encoder

    def fit(self, X: Any, y: Any = None) -> SentenceEmbedding:
        spec = encoder_spec(self.encoder)
        self.encoder_files_sha256_ = dict(spec.files)
        self.encoder_fingerprint_ = spec.fingerprint
        return self

    def transform(self, X: Any) -> np.ndarray:
        spec = encoder_spec(self.encoder)
        recorded = getattr(self, "encoder_fingerprint_", None)
        if recorded is None:
            raise RuntimeError("SentenceEmbedding is not fitted.")
        if recorded != spec.fingerprint:
            raise EncoderMismatchError(
                f"This model was trained with encoder {self.encoder} files {self.encoder_files_sha256_}, "
                f"but this process has {dict(spec.files)}: retrain the model or install the encoder it names."
            )
        return embed([str(x) for x in X], self.encoder)

    def metadata(self) -> dict[str, Any]:
        """The encoder a fitted transformer names (model metadata, MLflow, the model card)."""
        return {"id": self.encoder, "fingerprint": self.encoder_fingerprint_, "files_sha256": self.encoder_files_sha256_}
