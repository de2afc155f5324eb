"""run_kfold_cv.sh's flag parsing: what it would run for good flags, a usage message for bad ones."""
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[4] / "run_kfold_cv.sh"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=30)


def test_flags_become_dvc_parameter_overrides():
    done = run("--k=5", "--epochs=20", "--batch-size=8", "--img-size=640", "--patience=5", "--project=demo-shapes",
               "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["dvc", "exp", "run", "-S", "K_FOLDS=5", "-S", "object_detection.kfold_epochs=20",
                                   "-S", "BATCH_SIZE=8", "-S", "IMG_SIZE=640", "-S", "PATIENCE=5",
                                   "-S", "PROJECT=demo-shapes", "kfold_model_training"]


@pytest.mark.parametrize("args,message", [
    (["--k=5", "--epoch=3"], "unknown flag: --epoch"),
    (["--k=five"], "positive whole number"),
    (["--k=1"], "at least 2"),
    (["--k=0"], "positive whole number"),
    (["--epochs=3"], "--k is required"),
    (["--k=3", "--batch-size="], "positive whole number"),
    (["--k=3", "extra"], "unexpected argument"),
    (["--k=3", "--project=Bad Slug"], "invalid --project"),
    (["--k", "3"], "unexpected argument"),
])
def test_bad_flags_print_usage_and_fail(args, message):
    done = run(*args, "--dry-run")
    assert done.returncode == 2
    assert message in done.stderr and "usage: ./run_kfold_cv.sh" in done.stderr
