"""A BERT sentence encoder (all-MiniLM-L6-v2) on torch: verified files in, L2-normalised mean-pooled vectors out.

Responsible for the forward pass of a BERT encoder read straight from its ``model.safetensors`` (the format is a
JSON header and raw little-endian tensors: no `safetensors`/`transformers` package needed), mean pooling over
the attention mask and L2 normalisation — the same vectors sentence-transformers gives for this model (the tests
compare them). Torch is imported lazily; the files are checked by :mod:`ai_models.encoders.files` before use.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

from ai_models.encoders.wordpiece import WordPiece

_DTYPES = {"F32": "float32", "I64": "int64"}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a ``.safetensors`` file as a numpy array (F32 and I64 only, as BERT checkpoints hold)."""
    data = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8: 8 + size])
    base = 8 + size
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[base + start: base + end], dtype=_DTYPES[info["dtype"]]).reshape(info["shape"])
    return out


def _module(config: dict[str, Any], weights: dict[str, np.ndarray]) -> Any:
    import torch
    import torch.nn.functional as F

    heads, eps = int(config["num_attention_heads"]), float(config["layer_norm_eps"])
    if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"unsupported BERT config: {config.get('hidden_act')}, {config.get('position_embedding_type')}")
    w = {k: torch.from_numpy(v.copy()) for k, v in weights.items()}

    def ln(x, prefix):
        return F.layer_norm(x, x.shape[-1:], w[f"{prefix}.weight"], w[f"{prefix}.bias"], eps)

    def lin(x, prefix):
        return F.linear(x, w[f"{prefix}.weight"], w[f"{prefix}.bias"])

    class Bert(torch.nn.Module):
        def forward(self, ids, mask):
            b, n = ids.shape
            x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
                 + w["embeddings.token_type_embeddings.weight"][0])
            x = ln(x, "embeddings.LayerNorm")
            bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
            for i in range(int(config["num_hidden_layers"])):
                p = f"encoder.layer.{i}"

                def split(t):
                    return t.view(b, n, heads, -1).transpose(1, 2)

                q, k, v = (split(lin(x, f"{p}.attention.self.{name}")) for name in ("query", "key", "value"))
                a = F.scaled_dot_product_attention(q, k, v, attn_mask=bias).transpose(1, 2).reshape(b, n, -1)
                x = ln(x + lin(a, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm")
                h = lin(F.gelu(lin(x, f"{p}.intermediate.dense")), f"{p}.output.dense")
                x = ln(x + h, f"{p}.output.LayerNorm")
            return x

    return Bert()


class MiniLMEncoder:
    """``encode(texts) -> float32 array (n, dim)``, unit rows; batches sorted by length (less padding)."""

    def __init__(self, folder: Path, batch_size: int = 64, max_length: int | None = None) -> None:
        folder = Path(folder)
        config = json.loads((folder / "config.json").read_text())
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{folder}: only mean pooling is implemented, got {pooling}")
        st_config = json.loads((folder / "sentence_bert_config.json").read_text())
        self.max_length = int(max_length or st_config.get("max_seq_length", 256))
        self.dim = int(config["hidden_size"])
        self.batch_size = batch_size
        self.tokenizer = WordPiece(folder / "tokenizer.json")
        self.model = _module(config, read_safetensors(folder / "model.safetensors"))

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return [self.tokenizer.encode(t, self.max_length) for t in texts]

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        ids = self.token_ids(list(texts))
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        with torch.inference_mode():
            for s in range(0, len(order), self.batch_size):
                chunk = order[s: s + self.batch_size]
                width = max(len(ids[i]) for i in chunk)
                batch = torch.zeros((len(chunk), width), dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for row, i in enumerate(chunk):
                    batch[row, : len(ids[i])] = torch.tensor(ids[i])
                    mask[row, : len(ids[i])] = 1
                hidden = self.model(batch, mask)
                m = mask[..., None].to(hidden.dtype)
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[chunk] = pooled.numpy()
        return out
