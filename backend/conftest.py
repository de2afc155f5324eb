"""Root conftest: the environment comes from hitl_test_env (loaded first); fixtures from apps.core.tests."""
from pathlib import Path

import pytest

from hitl_test_env import TEST_TMP

pytest_plugins = ["apps.core.tests.fixtures"]


@pytest.fixture(scope="session")
def test_tmp() -> Path:
    return TEST_TMP
