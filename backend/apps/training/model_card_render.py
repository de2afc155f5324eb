"""A model version's card for download: the stored card (model_card.py) plus what changes after registration
(status, approval, the comparison with the previous version, the artifact hash), as JSON, Markdown or HTML.

Reads only; the card itself is written once, when the version is registered. The HTML is one self-contained,
printable file: inline CSS, no scripts, no external resources, every value escaped.
"""
import html
import re

from apps.audit.selectors import audit_event_list
from apps.privacy.selectors import erasures_for_model_version

from .model_card_changes import model_card_changes
from .model_card_sections import cell_text, model_card_sections


def model_card_document(*, model_version) -> dict:
    """The stored card with the version's current status, approval trail, integrity record and changes."""
    version = model_version
    return {**version.model_card, "lifecycle": {
        "status": version.status, "gate": version.gate,
        "approved_by": version.approved_by.username if version.approved_by else None,
        "promotion_reason": version.promotion_reason,
        "promoted_at": version.promoted_at.isoformat() if version.promoted_at else None,
        "rolled_back_at": version.rolled_back_at.isoformat() if version.rolled_back_at else None,
        "created_at": version.created_at.isoformat()},
        "integrity": {"artifact_sha256": version.artifact_sha256 or None},
        "changes": model_card_changes(model_version=version), "decisions": _decisions(version),
        "erased_data": erasures_for_model_version(version)}


def _decisions(version) -> list[dict]:
    """The audit log's decisions about this version (gate, promotions, rejection, rollback, integrity refusals)."""
    events = (audit_event_list(project_slug=version.project.slug)
              .filter(action__startswith="model.", object_id=str(version.pk), object_type__endswith="modelversion"))
    return [{"seq": e.seq, "at": e.created_at.isoformat(), "action": e.action, "actor_role": e.actor_role,
             "detail": e.details.get("reason") or e.details.get("decision") or ""} for e in events]


# Markdown: what would change the document's structure or let a viewer render markup is escaped.
_MD_SPECIAL = re.compile(r"([\\`*<>\[\]|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _md_inline(part) -> str:
    if isinstance(part, tuple):
        return f"**{_md(cell_text(part[1]))}**"
    return _md(cell_text(part))


def _md_block(block) -> list[str]:
    kind = block[0]
    if kind == "h":
        return ["#" * block[1] + " " + _md(block[2]), ""]
    if kind == "p":
        return ["".join(_md_inline(p) for p in block[1]), ""]
    if kind == "list":
        return [f"- {_md_inline(item)}" for item in block[1]] + [""]
    header, rows = block[1], block[2]
    lines = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_md_inline(v) for v in row) + " |" for row in rows] + [""]


def model_card_markdown(*, model_version) -> str:
    doc = model_card_document(model_version=model_version)
    return "\n".join(line for block in model_card_sections(doc) for line in _md_block(block))


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;max-width:60rem;margin:2rem auto;
padding:0 1rem}
h1{font-size:1.6rem;border-bottom:2px solid #333;padding-bottom:.3rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid #aaa}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:13px}th,td{border:1px solid #999;padding:.2rem .5rem;
text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#eee}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,tr{break-inside:avoid}}
"""


def _html_inline(part) -> str:
    if isinstance(part, tuple):
        return f"<strong>{html.escape(cell_text(part[1]))}</strong>"
    return html.escape(cell_text(part))


def _html_block(block) -> str:
    kind = block[0]
    if kind == "h":
        return f"<h{block[1]}>{html.escape(block[2])}</h{block[1]}>"
    if kind == "p":
        return "<p>" + "".join(_html_inline(p) for p in block[1]) + "</p>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{_html_inline(item)}</li>" for item in block[1]) + "</ul>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in block[1])
    body = "".join("<tr>" + "".join(f"<td>{_html_inline(v)}</td>" for v in row) + "</tr>" for row in block[2])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def model_card_html(*, model_version) -> str:
    doc = model_card_document(model_version=model_version)
    blocks = model_card_sections(doc)
    title = html.escape(blocks[0][2])
    body = "\n".join(_html_block(block) for block in blocks)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>'
            f"<body>\n{body}\n</body></html>\n")
