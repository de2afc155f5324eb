"""Shared fixtures: the demo data set (generated once) and one temporary MLflow sqlite store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from ai_models.demo_data import generate_text_demo

# Keep Hypothesis' cache inside this package (self-gitignored) instead of the caller's cwd.
set_hypothesis_home_dir(Path(__file__).resolve().parent.parent / ".hypothesis")


@dataclass(frozen=True)
class MlflowStore:
    tracking_uri: str
    artifact_location: str
    root: Path
    cwd: Path


@pytest.fixture(scope="session")
def demo() -> dict[str, list[dict[str, str]]]:
    return generate_text_demo()


@pytest.fixture(scope="session")
def mlflow_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowStore]:
    """A sqlite tracking/registry store under a temp dir, created once per session.

    The tests run from an empty working directory so that anything MLflow writes relative to
    the cwd (e.g. a stray ./mlruns) is detectable.
    """
    root = tmp_path_factory.mktemp("mlflow")
    cwd = tmp_path_factory.mktemp("cwd")
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        yield MlflowStore(
            tracking_uri=f"sqlite:///{root}/mlflow.db",
            artifact_location=str(root / "artifacts"),
            root=root,
            cwd=cwd,
        )
    finally:
        os.chdir(previous)
