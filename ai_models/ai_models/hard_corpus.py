"""A deterministic SYNTHETIC many-label corpus of short, ambiguous requests, harder than the demo tickets.

Used to compare text model families (``learning.md``), not shipped as demo data. Each label is an *intent*: an
action on an object (``cancel_card``, ``replace_card``, ``cancel_order`` ...), so labels share their words pairwise
and a bag of words must learn every pair. Each action and object is said in many ways, drawn Zipf-weighted, so a
small labelled set leaves most paraphrases unseen: a model that knows what words mean (a sentence encoder)
generalises where TF-IDF cannot. Texts are short (one clause, 3-12 words), some name only the object or only the
action, and ``noise`` of the labels are wrong (a fallible annotator). Nothing here is real customer data.
"""

from __future__ import annotations

import random

ACTIONS: dict[str, list[str]] = {
    "cancel": ["cancel", "stop", "terminate", "end", "get rid of", "close", "call off", "quit", "drop",
               "discontinue", "scrap", "abort"],
    "replace": ["replace", "swap", "get a new", "exchange", "renew", "substitute", "send me another",
                "trade in", "need a fresh", "order a replacement for"],
    "track": ["track", "where is", "locate", "follow", "trace", "status of", "any news on", "find",
              "check on", "when will I get"],
    "pay": ["pay", "settle", "pay off", "top up", "clear", "cover", "make a payment on", "put money toward",
            "fund", "transfer money for"],
    "dispute": ["dispute", "complain about", "contest", "challenge", "object to", "report a problem with",
                "disagree with", "appeal", "query", "flag"],
    "change": ["change", "update", "modify", "edit", "alter", "adjust", "correct", "amend", "switch",
               "fix the details of"],
    "activate": ["activate", "turn on", "enable", "unlock", "start", "set up", "switch on", "open",
                 "get going", "register"],
    "freeze": ["freeze", "block", "suspend", "pause", "lock", "hold", "put on hold", "halt", "deactivate",
               "temporarily stop"],
}
OBJECTS: dict[str, list[str]] = {
    "card": ["card", "debit card", "credit card", "plastic", "bank card", "visa", "mastercard", "contactless card"],
    "order": ["order", "purchase", "package", "parcel", "delivery", "shipment", "item I bought", "basket"],
    "subscription": ["subscription", "membership", "plan", "monthly plan", "premium", "sub", "recurring plan",
                     "auto-renewal"],
    "account": ["account", "profile", "login", "user account", "online banking", "app account", "username",
                "sign-in"],
    "loan": ["loan", "mortgage", "credit line", "overdraft", "financing", "instalment plan", "borrowing",
             "car loan"],
}
FRAMES = [
    "{a} my {o}", "i want to {a} my {o}", "how do i {a} the {o}", "{a} {o} please", "can you {a} my {o}",
    "need to {a} {o} asap", "{o}: {a} it", "please {a} the {o} today", "help me {a} my {o}", "{a} {o}?",
    "trying to {a} my {o} again", "is it possible to {a} my {o}", "{o} - want to {a}", "quick one, {a} {o}",
]
HALF_FRAMES = ["{a} it please", "how do i {a} it", "my {o}", "{o} problem", "about my {o}", "{a} that"]


def labels() -> list[str]:
    return [f"{a}_{o}" for a in ACTIONS for o in OBJECTS]


def _zipf(rng: random.Random, words: list[str], s: float) -> str:
    return rng.choices(words, weights=[1.0 / (r + 1) ** s for r in range(len(words))])[0]


def _text(rng: random.Random, action: str, obj: str, s: float, p_half: float) -> str:
    a, o = _zipf(rng, ACTIONS[action], s), _zipf(rng, OBJECTS[obj], s)
    frame = rng.choice(HALF_FRAMES if rng.random() < p_half else FRAMES)
    return frame.format(a=a, o=o)


def generate(n: int, *, seed: int = 11, noise: float = 0.08, zipf_s: float = 0.8, p_half: float = 0.08,
             ) -> list[dict[str, str]]:
    """``n`` rows ``{"text", "label", "true_label"}`` over :func:`labels` (uniform); the same seed, the same rows."""
    rng = random.Random(seed)
    names = labels()
    rows = []
    for _ in range(n):
        true = rng.choice(names)
        action, obj = true.split("_", 1)
        label = rng.choice(names) if rng.random() < noise else true
        rows.append({"text": _text(rng, action, obj, zipf_s, p_half), "label": label, "true_label": true})
    return rows


def benchmark_split(pool: int, holdout: int, *, seed: int = 11, seed_per_label: int = 1,
                    ) -> tuple[list[dict], list[dict], list[dict]]:
    """(seed rows, rest of the pool, holdout) as the learning-curve benchmark uses them: distinct texts (the platform
    keeps one item per text), shuffled with ``seed``, the holdout first, then ``pool`` texts whose first
    ``seed_per_label`` of each label are the seed labels. Rows are ``{"text", "label"}`` (the stored, noisy label).
    One function for the benchmark (apps.demo.learning_curve) and its in-process simulation (ai_models.selection_sim),
    so both see the same texts."""
    wanted = pool + holdout
    rows, seen = [], set()
    for row in generate(wanted * 2, seed=seed):
        key = " ".join(row["text"].split()).lower()
        if key not in seen:
            seen.add(key)
            rows.append({"text": row["text"], "label": row["label"]})
    if len(rows) < wanted:
        raise ValueError(f"the hard corpus gave {len(rows)} distinct texts; {wanted} are needed")
    random.Random(seed).shuffle(rows)
    held, pooled = rows[:holdout], rows[holdout:wanted]
    seeds, taken = [], {}
    for row in pooled:
        if taken.get(row["label"], 0) < seed_per_label:
            taken[row["label"]] = taken.get(row["label"], 0) + 1
            seeds.append(row)
    seeded = {id(r) for r in seeds}
    return seeds, [r for r in pooled if id(r) not in seeded], held
