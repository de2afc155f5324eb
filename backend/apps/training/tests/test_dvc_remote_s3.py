"""DVC's remote on the platform's object storage (dvc-s3, moto's S3 server): a pipeline's outputs pushed from one
workspace are pulled, byte for byte, into a fresh clone of it (another machine), and into the first one after its
cache and outputs are deleted."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from apps.core.tests.servers import MotoServer

STAGE = """stages:
  produce:
    cmd: python produce.py
    deps:
      - produce.py
    outs:
      - data/formatted
      - models/final/model.bin
"""
PRODUCE = """from pathlib import Path
Path("data/formatted").mkdir(parents=True, exist_ok=True)
Path("data/formatted/train.jsonl").write_text("".join(f'{{"text": "ticket {i}", "label": "x"}}\\n' for i in range(99)))
Path("data/formatted/val.jsonl").write_text('{"text": "parcel late", "label": "shipping"}\\n')
Path("models/final").mkdir(parents=True, exist_ok=True)
Path("models/final/model.bin").write_bytes(bytes(range(256)) * 64)
"""
OUTPUTS = ("data/formatted/train.jsonl", "data/formatted/val.jsonl", "models/final/model.bin")


@pytest.fixture
def s3():
    server = MotoServer("hitl-dvc").start()
    yield server
    server.stop()


def dvc(root: Path, *args: str) -> str:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "DVC_NO_ANALYTICS": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    command = list(args) if args[0] == "git" else ["dvc", *args]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done.stdout


def remote_keys(root: Path) -> None:
    """As docs/operations.md says: the remote's URL and endpoint are committed, its keys stay in .dvc/config.local."""
    dvc(root, "remote", "modify", "--local", "platform", "access_key_id", "test")
    dvc(root, "remote", "modify", "--local", "platform", "secret_access_key", "test")


def test_dvc_push_and_pull_of_pipeline_outputs_through_s3(s3, tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    (first / "dvc.yaml").write_text(STAGE)
    (first / "produce.py").write_text(PRODUCE)
    dvc(first, "git", "init", "-q")
    dvc(first, "init", "-q")
    dvc(first, "remote", "add", "-d", "platform", f"s3://{s3.bucket}/dvc")
    dvc(first, "remote", "modify", "platform", "endpointurl", s3.url)
    dvc(first, "remote", "modify", "platform", "region", "us-east-1")
    remote_keys(first)
    dvc(first, "repro")
    dvc(first, "git", "add", "-A")
    dvc(first, "git", "commit", "-qm", "pipeline run")
    produced = {name: (first / name).read_bytes() for name in OUTPUTS}
    assert "files pushed" in dvc(first, "push")
    assert s3.keys("dvc/")  # the objects are in the bucket

    # Another machine: a clone of the repository (no cache, no outputs) pulls what the first one pushed.
    second = tmp_path / "second"
    dvc(tmp_path, "git", "clone", "-q", str(first), str(second))
    remote_keys(second)
    assert not any((second / name).exists() for name in OUTPUTS)  # only the .dvc/dvc.lock pointers came
    dvc(second, "pull")
    assert {name: (second / name).read_bytes() for name in OUTPUTS} == produced
    assert "up to date" in dvc(second, "status").lower()  # reproduced: nothing to rerun

    # The first machine loses its cache and outputs: pull brings them back.
    shutil.rmtree(first / ".dvc" / "cache")
    shutil.rmtree(first / "data")
    shutil.rmtree(first / "models")
    dvc(first, "pull")
    assert {name: (first / name).read_bytes() for name in OUTPUTS} == produced
