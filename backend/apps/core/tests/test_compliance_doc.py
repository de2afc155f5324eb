"""docs/compliance.md keeps its promise: every row of its tables names at least one test file (backend, ai_models or
the web app's), and every file or folder it names (code or test) exists."""
import re

from django.conf import settings

DOC = settings.REPO_DIR / "docs" / "compliance.md"
PATH = re.compile(r"`((?:apps|tools|ai_models)/[\w/.-]+\.py|frontend/[\w/.-]+\.(?:tsx?|mjs)|frontend/src/[\w/.-]+/)`")


def _rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[0] not in ("article", "---"):
            rows.append(cells)
    return rows


def _exists(path: str) -> bool:
    return (settings.REPO_DIR / "backend" / path).exists() or (settings.REPO_DIR / path).exists()


def test_every_row_names_a_test_that_exists():
    rows = _rows()
    assert len(rows) >= 20
    for article, _does, _where, tests in rows:
        named = PATH.findall(tests)
        assert named and all("/tests/" in p or ".test." in p for p in named), f"{article}: no test file named"
        assert all(_exists(p) for p in named), f"{article}: {[p for p in named if not _exists(p)]} missing"


def test_every_code_path_it_names_exists():
    missing = [p for row in _rows() for p in PATH.findall(row[2]) if not _exists(p)]
    assert not missing
