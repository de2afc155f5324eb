"""A model version's card for download: the stored card (model_card.py) plus its lifecycle, as JSON or Markdown.

Reads only; the card itself is written once, when the version is registered.
"""
import json

COLUMN_ORDER = ["precision", "recall", "f1", "support", "ap50", "ap50_95"]


def model_card_document(*, model_version) -> dict:
    """The stored card with the version's current status and approval trail (they change after registration)."""
    version = model_version
    return {**version.model_card, "lifecycle": {
        "status": version.status, "gate": version.gate,
        "approved_by": version.approved_by.username if version.approved_by else None,
        "promotion_reason": version.promotion_reason,
        "promoted_at": version.promoted_at.isoformat() if version.promoted_at else None,
        "rolled_back_at": version.rolled_back_at.isoformat() if version.rolled_back_at else None,
        "created_at": version.created_at.isoformat()}}


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _pairs(mapping: dict) -> list[str]:
    return _table(["field", "value"], [[f"**{key}**", value] for key, value in mapping.items()])


def _evaluation(evaluation: dict) -> list[str]:
    headline = {k: v for k, v in evaluation.items() if k != "per_class"}
    lines = ["Measured on the project's fixed holdout (the same items for every version).", ""]
    lines += _pairs(headline) if headline else ["No holdout metrics.", ""]
    per_class = evaluation.get("per_class") or {}
    if per_class:
        columns = sorted({key for scores in per_class.values() for key in scores},
                         key=lambda k: (COLUMN_ORDER.index(k) if k in COLUMN_ORDER else len(COLUMN_ORDER), k))
        lines += ["### Per class", ""]
        lines += _table(["label", *columns], [[label, *(scores.get(c) for c in columns)]
                                              for label, scores in per_class.items()])
    return lines


def _training(training: dict) -> list[str]:
    lines = ["### Parameters", "", "```json", json.dumps(training.get("params", {}), indent=2, sort_keys=True), "```", ""]
    kfold = training.get("kfold") or {}
    if kfold.get("k"):
        lines += [f"### {kfold['k']}-fold cross-validation", ""]
        mean, std = kfold.get("mean", {}), kfold.get("std", {})
        lines += _table(["metric", "mean", "std"], [[key, mean[key], std.get(key)] for key in mean])
    elif kfold.get("skipped"):
        lines += [f"Cross-validation skipped: {kfold['skipped']}", ""]
    return lines


def model_card_markdown(*, model_version) -> str:
    card = model_card_document(model_version=model_version)
    model, use, data = card.get("model", {}), card.get("intended_use", {}), card.get("data", {})
    life = card["lifecycle"]
    lines = [f"# Model card: {model.get('project', '?')} v{model.get('version', '?')}", "",
             f"Status: **{life['status']}**" + (f", promoted {life['promoted_at']}" if life["promoted_at"] else "")
             + (f" by {life['approved_by']}" if life["approved_by"] else "")
             + (f" ({life['promotion_reason']})" if life["promotion_reason"] else "")
             + (f"; rolled back {life['rolled_back_at']}" if life["rolled_back_at"] else "") + ".", "",
             "## Model", "", *_pairs({k: v for k, v in model.items()}),
             "## Intended use", "", *_pairs({"purpose": use.get("purpose"), "lawful basis": use.get("lawful_basis"),
                                             "labels": ", ".join(use.get("labels", []))}),
             "## Data", "", *_pairs({k: v for k, v in data.items() if k != "counts"})]
    counts = data.get("counts") or {}
    if counts:
        lines += [f"Training examples: {counts.get('total', '?')}, of which {counts.get('from_feedback', '?')} "
                  "answered by people (the rest: imported labels).", ""]
        lines += _table(["label", "examples"], [[label, n] for label, n in (counts.get("per_label") or {}).items()])
    lines += ["## Training", "", *_training(card.get("training", {})),
              "## Evaluation", "", *_evaluation(card.get("evaluation", {})),
              "## Promotion gate", "", *(_pairs(life["gate"]) if life["gate"] else ["No gate decision recorded.", ""]),
              "## Limitations", "", *[f"- {item}" for item in card.get("limitations", [])], "",
              "## Human oversight", "", str(card.get("human_oversight", "")), ""]
    return "\n".join(lines)
