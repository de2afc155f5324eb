"""Turn an uploaded CSV or JSONL file into rows; a malformed file is refused naming the line.

Returns the rows and, beside them, each row's line in the file, so that later validation errors name
the same line the user sees in an editor.
"""
import csv
import io
import json

from apps.core.exceptions import ApplicationError

COLUMNS = {"text", "label", "split", "subject_ref"}


def _refuse(name: str, line: int | None, error: str) -> ApplicationError:
    where = f"{name} line {line}" if line else name
    return ApplicationError(f"{where}: {error}.", extra={"errors": [{"row": line, "error": error}]} if line else None)


def _decode(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise _refuse(name, line, f"not UTF-8 text (byte {exc.start})") from exc


def parse_upload(*, name: str, content: bytes, ignore: frozenset[str] = frozenset()) -> tuple[list[dict], list[int]]:
    """`ignore`: columns/keys accepted and dropped (our own exports' prediction columns, on re-import)."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson")):
        rows, lines = _parse_jsonl(name, _decode(name, content))
        return [{k: v for k, v in row.items() if k not in ignore} for row in rows], lines
    if lower.endswith(".csv"):
        return _parse_csv(name, _decode(name, content), ignore)
    raise ApplicationError(f"{name}: unsupported file type; upload .csv or .jsonl.")


def _parse_jsonl(name: str, text: str) -> tuple[list[dict], list[int]]:
    rows, lines = [], []
    # Split on newlines only: JSON strings may hold U+2028/U+2029, which str.splitlines() would cut.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _refuse(name, number, f"invalid JSON ({exc.msg})") from exc
        except (ValueError, RecursionError) as exc:  # an integer of more than 4300 digits; nesting too deep
            raise _refuse(name, number, f"invalid JSON ({exc.__class__.__name__})") from exc
        if not isinstance(row, dict):
            raise _refuse(name, number, "each line must be a JSON object")
        rows.append(row)
        lines.append(number)
    return rows, lines


def _parse_csv(name: str, text: str, ignore: frozenset[str]) -> tuple[list[dict], list[int]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    try:
        header = reader.fieldnames or []
        if "text" not in header:
            raise ApplicationError(f"{name}: the header must name a 'text' column (optional: label, split, subject_ref).")
        unknown = sorted(set(header) - COLUMNS - ignore)
        if unknown:
            raise _refuse(name, 1, f"unknown column(s) {', '.join(unknown)}; known: {', '.join(sorted(COLUMNS))}")
        for row in reader:
            if None in row:
                raise _refuse(name, reader.line_num, "more fields than the header names")
            rows.append({k: v for k, v in row.items() if v not in (None, "") and k not in ignore})
            lines.append(reader.line_num)
    except csv.Error as exc:
        # line_num counts the lines parsed before the failing one.
        raise _refuse(name, reader.line_num + 1, f"malformed CSV ({exc})") from exc
    return rows, lines
