"""Encoding throughput of the shipped sentence encoder, and a TF-IDF vs embedding comparison on the hard corpus.

    python -m ai_models.encoders.bench            # texts/s batched, ms per single text, warm-cache cost
    python -m ai_models.encoders.bench --compare  # + accuracy / macro-F1 of both text model families

Prints one JSON object. Numbers depend on the machine and on what else runs on it; the docs quote them with the
machine they were measured on (docs/learning.md).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from ai_models import hard_corpus
from ai_models.demo_data import generate_text_demo
from ai_models.encoders import MemoryEmbeddingStore, embed, load_encoder
from ai_models.encoders.files import MINILM_L6


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1)


def _timed(fn: Any) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds): on a shared machine CPU time still says what the work costs."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def throughput(n: int = 1000, singles: int = 100) -> dict[str, Any]:
    encoder = load_encoder(MINILM_L6.id)
    corpora = {
        "short (hard corpus, ~5 words)": [r["text"] for r in hard_corpus.generate(n, seed=1)],
        "tickets (demo, ~25 words)": [r["text"] for r in generate_text_demo()["pool"][:n]],
    }
    out: dict[str, Any] = {}
    for name, texts in corpora.items():
        encoder.encode(texts[:64])  # warm-up
        batched, batched_cpu = _timed(lambda texts=texts: encoder.encode(texts))
        single, single_cpu = _timed(lambda texts=texts: [encoder.encode([t]) for t in texts[:singles]])
        store = MemoryEmbeddingStore()
        embed(texts, MINILM_L6.id, store=store)
        warm, _ = _timed(lambda texts=texts, store=store: embed(texts, MINILM_L6.id, store=store))
        out[name] = {"texts": len(texts), "batched_texts_per_s": _rate(len(texts), batched),
                     "batched_texts_per_cpu_s": _rate(len(texts), batched_cpu),
                     "single_ms": round(single / singles * 1000, 2),
                     "single_cpu_ms": round(single_cpu / singles * 1000, 2),
                     "warm_cache_texts_per_s": _rate(len(texts), warm)}
    return out


def compare(n_train: int = 4000, n_holdout: int = 1000, few: int = 300, seed: int = 11, few_seed: int = 3,
            ) -> dict[str, Any]:
    from ai_models.params import TextParams
    from ai_models.text_classification import TextExample, evaluate, train_text_classifier

    rows = hard_corpus.generate(n_train + n_holdout, seed=seed)
    examples = [TextExample(r["text"], r["label"]) for r in rows]
    train, holdout = examples[:n_train], examples[n_train:]
    picked = sorted(random.Random(few_seed).sample(range(n_train), few))
    subsets = {"all": train, str(few): [train[i] for i in picked]}
    labels = hard_corpus.labels()
    out: dict[str, Any] = {"corpus": {"labels": len(labels), "train": n_train, "holdout": n_holdout, "seed": seed}}
    for family in ("tfidf_lr", "embedding_lr"):
        for name, subset in subsets.items():
            start = time.perf_counter()
            model = train_text_classifier(subset, labels, TextParams(model=family))
            metrics = evaluate(model, holdout, labels)
            out[f"{family} / {name} labels"] = {"accuracy": metrics["accuracy"], "f1_macro": metrics["f1_macro"],
                                                "seconds": round(time.perf_counter() - start, 1)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", action="store_true", help="also compare the text model families")
    args = parser.parse_args(argv)
    import torch

    result: dict[str, Any] = {"encoder": MINILM_L6.id, "torch_threads": torch.get_num_threads(),
                              "load_average": [round(x, 1) for x in __import__("os").getloadavg()],
                              "throughput": throughput()}
    if args.compare:
        result["compare"] = compare()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
