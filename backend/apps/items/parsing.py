"""Turn an uploaded CSV or JSONL file into rows; a malformed file is refused naming the line.

Each row carries `_row`, its line in the file, so later validation errors name the same line.
"""
import csv
import io
import json

from apps.core.exceptions import ApplicationError

COLUMNS = {"text", "label", "split", "subject_ref"}


def parse_upload(*, name: str, content: bytes) -> list[dict]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(f"{name}: not UTF-8 text (byte {exc.start}).") from exc
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson")):
        return _parse_jsonl(name, text)
    if lower.endswith(".csv"):
        return _parse_csv(name, text)
    raise ApplicationError(f"{name}: unsupported file type; upload .csv or .jsonl.")


def _parse_jsonl(name: str, text: str) -> list[dict]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ApplicationError(f"{name} line {number}: invalid JSON ({exc.msg}).",
                                   extra={"errors": [{"row": number, "error": f"invalid JSON: {exc.msg}"}]}) from exc
        if not isinstance(row, dict):
            raise ApplicationError(f"{name} line {number}: each line must be a JSON object.",
                                   extra={"errors": [{"row": number, "error": "not a JSON object"}]})
        rows.append({**row, "_row": number})
    return rows


def _parse_csv(name: str, text: str) -> list[dict]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = set(reader.fieldnames or [])
        if "text" not in header:
            raise ApplicationError(f"{name}: the header must name a 'text' column (optional: label, split, subject_ref).")
        rows = []
        for row in reader:
            if None in row:
                raise ApplicationError(f"{name} line {reader.line_num}: more fields than the header names.",
                                       extra={"errors": [{"row": reader.line_num, "error": "too many fields"}]})
            rows.append({**{k: v for k, v in row.items() if k in COLUMNS and v not in (None, "")},
                         "_row": reader.line_num})
        return rows
    except csv.Error as exc:
        raise ApplicationError(f"{name}: malformed CSV ({exc}).") from exc
