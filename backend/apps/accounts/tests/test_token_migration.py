"""Upgrading an installation that had rest_framework.authtoken: migration accounts 0002 drops its table of plain-text
keys (old tokens stop working; their holders log in again), and migrating back leaves the new tokens' table out."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def _manage(var: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**env, "HITL_VAR_DIR": str(var)},
                   check=True, capture_output=True, timeout=300)


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as con:
        return {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_the_plain_text_token_table_of_an_older_installation_is_dropped(tmp_path):
    var = tmp_path / "var"
    _manage(var, "migrate", "--noinput")
    _manage(var, "migrate", "accounts", "0001", "--noinput")  # the schema before API tokens
    db = var / "db.sqlite3"
    with sqlite3.connect(db) as con:  # what rest_framework.authtoken left behind, with a key in plain text
        con.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created datetime NOT NULL, "
                    "user_id integer NOT NULL UNIQUE REFERENCES auth_user (id))")
        con.execute("INSERT INTO authtoken_token VALUES ('f64b460080c105c842004c6850e189340a032f4c', '2026-01-01', 1)")
    assert "authtoken_token" in _tables(db) and "accounts_apitoken" not in _tables(db)

    _manage(var, "migrate", "--noinput")

    assert "authtoken_token" not in _tables(db) and "accounts_apitoken" in _tables(db)
    assert b"f64b460080c105c842004c6850e189340a032f4c" not in db.read_bytes()
