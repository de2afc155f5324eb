"""BERT's uncased WordPiece tokenizer in plain Python, read from a ``tokenizer.json``: ids as the `tokenizers`
library's ``BertNormalizer`` + ``BertPreTokenizer`` + ``WordPiece`` + ``[CLS] … [SEP]`` give them.

Written here rather than depending on `tokenizers` (which brings huggingface-hub and its HTTP stack) for the few
short texts a platform request carries; the encoder's tests check the resulting embeddings against
sentence-transformers' own. Only the uncased BERT configuration the shipped encoders use is supported: anything
else in the file is refused rather than tokenized differently.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

_EXPECTED = {
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
}
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")  # Cc, Cf, Cs, Co, Cn, as the Rust normalizer


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _CJK)


def normalize(text: str) -> str:
    """clean_text, CJK padding, NFD accent stripping and lower-casing, in the order BertNormalizer applies them."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if ch.isspace() or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    text = unicodedata.normalize("NFD", "".join(out))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()


def pre_tokenize(text: str) -> list[str]:
    """Whitespace split, each punctuation character its own word."""
    words: list[str] = []
    for chunk in text.split():
        current = []
        for ch in chunk:
            if _is_punct(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


class WordPiece:
    """``encode(text, max_length)`` -> token ids with ``[CLS]``/``[SEP]``, truncated to ``max_length``."""

    def __init__(self, path: Path) -> None:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        for key, expected in _EXPECTED.items():
            if spec.get(key) != expected:
                raise ValueError(f"{path}: unsupported {key} {spec.get(key)!r}; this tokenizer implements {expected}")
        model = spec["model"]
        if model.get("type") != "WordPiece" or model.get("continuing_subword_prefix") != "##":
            raise ValueError(f"{path}: unsupported tokenizer model {model.get('type')!r}")
        self.vocab: dict[str, int] = model["vocab"]
        self.unk = self.vocab[model["unk_token"]]
        self.max_chars = int(model.get("max_input_chars_per_word", 100))
        self.cls, self.sep, self.pad = self.vocab["[CLS]"], self.vocab["[SEP]"], self.vocab["[PAD]"]
        self._word = lru_cache(maxsize=65536)(self._word_ids)

    def _word_ids(self, word: str) -> tuple[int, ...]:
        if len(word) > self.max_chars:
            return (self.unk,)
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    ids.append(found)
                    break
                end -= 1
            else:
                return (self.unk,)
            start = end
        return tuple(ids)

    def encode(self, text: str, max_length: int) -> list[int]:
        ids: list[int] = [self.cls]
        for word in pre_tokenize(normalize(text)):
            ids.extend(self._word(word))
            if len(ids) >= max_length - 1:
                break
        return ids[: max_length - 1] + [self.sep]
