"""Text projects as CSV or JSON Lines: ``text, label, split, subject_ref, predicted, confidence``.

Both are UTF-8 without BOM; CSV rows end in CRLF (RFC 4180), JSONL lines in LF.
In CSV an absent value (``None``) is an empty cell; in JSONL it is ``null``.
Cells are written as they are (no spreadsheet-formula escaping: that would alter the texts).
The parsers read the same columns back (only ``text`` is required) and name the line at fault.
"""

from __future__ import annotations

import csv
import io
import json

from ai_models.formats.records import FormatError, TextRecord, finite_number

COLUMNS = ("text", "label", "split", "subject_ref", "predicted", "confidence")


def _row(t: TextRecord) -> dict[str, object]:
    return {
        "text": t.text,
        "label": t.label,
        "split": t.split,
        "subject_ref": t.subject_ref,
        "predicted": t.predicted,
        "confidence": t.confidence,
    }


def export_csv(texts: list[TextRecord]) -> bytes:
    buffer = io.StringIO(newline="")
    # RFC 4180 CRLF rows: with a bare "\n" terminator the csv module would not quote a lone "\r" in a cell.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for t in texts:
        writer.writerow(["" if v is None else (repr(v) if isinstance(v, float) else v) for v in _row(t).values()])
    return buffer.getvalue().encode("utf-8")


def export_jsonl(texts: list[TextRecord]) -> bytes:
    return "".join(json.dumps(_row(t), ensure_ascii=False) + "\n" for t in texts).encode("utf-8")


def _decode(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise FormatError(f"{name} line {line}: not UTF-8 text (byte {exc.start}).") from exc


def _record(row: dict[str, object], where: str) -> TextRecord:
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise FormatError(f"{where}: unknown field(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}.")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f"{where}: 'text' is missing or empty.")
    values: dict[str, str | None] = {}
    for key in ("label", "split", "subject_ref", "predicted"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            raise FormatError(f"{where}: '{key}' must be a string.")
        values[key] = value or None
    confidence = row.get("confidence")
    if isinstance(confidence, str):
        try:
            confidence = float(confidence) if confidence.strip() else None
        except ValueError as exc:
            raise FormatError(f"{where}: 'confidence' must be a number, got {confidence!r}.") from exc
    if confidence is not None and not finite_number(confidence):
        raise FormatError(f"{where}: 'confidence' must be a number, got {confidence!r}.")
    return TextRecord(
        text=text,
        label=values["label"],
        split=values["split"] or "pool",
        subject_ref=values["subject_ref"] or "",
        predicted=values["predicted"],
        confidence=None if confidence is None else float(confidence),
    )


def parse_csv(content: bytes, name: str = "CSV") -> list[TextRecord]:
    reader = csv.DictReader(io.StringIO(_decode(name, content), newline=""), strict=True)
    records = []
    try:
        if "text" not in (reader.fieldnames or []):
            raise FormatError(f"{name} line 1: the header must name a 'text' column.")
        for row in reader:
            where = f"{name} line {reader.line_num}"
            if None in row:
                raise FormatError(f"{where}: more fields than the header names.")
            records.append(_record({k: v for k, v in row.items() if v != ""}, where))
    except csv.Error as exc:
        raise FormatError(f"{name} line {reader.line_num + 1}: malformed CSV ({exc}).") from exc
    return records


def parse_jsonl(content: bytes, name: str = "JSONL") -> list[TextRecord]:
    records = []
    # Split on newlines only: JSON strings may hold U+2028/U+2029, which str.splitlines() would cut.
    for number, line in enumerate(_decode(name, content).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{where}: invalid JSON ({exc.msg}).") from exc
        except (ValueError, RecursionError) as exc:  # an integer of more than 4300 digits; nesting too deep
            raise FormatError(f"{where}: invalid JSON ({exc.__class__.__name__}).") from exc
        if not isinstance(row, dict):
            raise FormatError(f"{where}: each line must be a JSON object.")
        records.append(_record(row, where))
    return records
