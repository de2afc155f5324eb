"""VAR_DIR is owner-only: after migrate, collectstatic and bootstrap_demo in a fresh VAR_DIR (as `make run` does), no
file or folder under it is readable, writable or searchable by group or others, even when the process started with
the usual umask 022; and an installation made before this rule is closed when settings load."""
import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BACKEND = Path(settings.BASE_DIR)


def _manage(var: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded SQLite file under var/
    env.update(HITL_VAR_DIR=str(var), MLFLOW_TRACKING_URI=f"sqlite:///{var / 'mlflow' / 'mlflow.db'}",
               MLFLOW_ARTIFACT_ROOT=str(var / "mlflow" / "artifacts"), CELERY_TASK_ALWAYS_EAGER="true")
    subprocess.run([sys.executable, "manage.py", *args], cwd=BACKEND, env=env, check=True, capture_output=True,
                   timeout=600, preexec_fn=lambda: os.umask(0o022))


def _open_to_others(var: Path) -> list[str]:
    paths = [var, *var.rglob("*")]
    return [f"{oct(stat.S_IMODE(p.lstat().st_mode))} {p.relative_to(var)}" for p in paths
            if not p.is_symlink() and p.lstat().st_mode & 0o077]


def test_a_fresh_installation_is_owner_only(tmp_path):
    var = tmp_path / "var"
    _manage(var, "migrate", "--noinput")
    _manage(var, "collectstatic", "--noinput")
    _manage(var, "bootstrap_demo", "--no-detection")  # users, a project, a trained model (MLflow store), secrets

    assert (var / "db.sqlite3").is_file() and (var / "secrets" / "demo-credentials.txt").is_file()
    assert any((var / "static").rglob("*.css")) and any((var / "mlflow").rglob("*")) and (var / "secrets").is_dir()
    assert _open_to_others(var) == []
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "db.sqlite3").stat().st_mode) == 0o600


def test_an_older_installation_is_closed_when_settings_load(tmp_path):
    var = tmp_path / "var"
    (var / "storage").mkdir(parents=True)
    (var / "db.sqlite3").write_bytes(b"")
    for path, mode in [(var, 0o755), (var / "storage", 0o755), (var / "db.sqlite3", 0o644)]:
        path.chmod(mode)

    _manage(var, "check")

    assert stat.S_IMODE(var.stat().st_mode) == 0o700  # closes everything below it to group and others
    assert stat.S_IMODE((var / "storage").stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "db.sqlite3").stat().st_mode) == 0o600
