"""`make run`'s embedded broker (SQLAlchemy on a SQLite file) takes the settings' transport options: a task sent
with them is queued, not refused by create_engine (which rejects Redis's socket options)."""
import os
import subprocess
import sys
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[3]
SCRIPT = """
import django, os, sqlite3
django.setup()
from django.conf import settings
from config.celery import app
assert settings.CELERY_BROKER_URL.startswith("sqla+sqlite"), settings.CELERY_BROKER_URL
app.send_task("training.retrain_check", args=[0])
rows = sqlite3.connect(settings.VAR_DIR / "celery-broker.sqlite").execute("SELECT count(*) FROM kombu_message")
print("queued", rows.fetchone()[0])
"""


def test_a_task_is_queued_on_the_embedded_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env.update(HITL_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(BACKEND),
               CELERY_TASK_ALWAYS_EAGER="0")
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=BACKEND, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("queued 1")
