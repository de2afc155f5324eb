"""Test environment, set before Django reads its settings (loaded early with `-p hitl_test_env`).

- The database is PostgreSQL when DATABASE_URL is set (CI), else a SQLite file (so worker processes see it).
- MLflow is a real SQLite store in a temporary folder; params come from a small test params file.
- Celery uses Redis (CELERY_BROKER_URL, default redis://127.0.0.1:6379/15) on a queue unique to this session.
"""
import os
import tempfile
import uuid
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="hitl-test-"))
os.environ["HITL_VAR_DIR"] = str(_TMP / "var")
# The shared cache is this run's file cache under that VAR_DIR (the fixtures clear it per test): never a Redis given by
# CACHE_URL, which clearing would wipe. Tests of the Redis cache point at it themselves.
os.environ.pop("CACHE_URL", None)
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ["CELERY_QUEUE"] = f"test-{uuid.uuid4().hex[:8]}"
os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{_TMP / 'mlflow.db'}"
os.environ["MLFLOW_ARTIFACT_ROOT"] = str(_TMP / "mlflow-artifacts")
_PARAMS = _TMP / "params.yaml"
_PARAMS.write_text(
    "SEED: 42\nK_FOLDS: 2\nEPOCHS: 1\nBATCH_SIZE: 4\nIMG_SIZE: 64\nPATIENCE: 1\n"
    "text_classification:\n  C: 4.0\n  max_iter: 500\n"
    "object_detection:\n  model: yolo11n.yaml\n  val_fraction: 0.25\n  conf: 0.001\n  kfold_epochs: 1\n")
os.environ["HITL_PARAMS_FILE"] = str(_PARAMS)

TEST_TMP = _TMP
