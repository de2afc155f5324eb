"""Privacy test fixtures: a privacy officer, and a scratch DVC workspace (never this repository's data/)."""
import pytest

from apps.core.tests.fixtures import make_user


@pytest.fixture(autouse=True)
def _scratch_workspace(settings, tmp_path):
    settings.PRIVACY_DVC_WORKSPACE = tmp_path / "workspace"
    return settings.PRIVACY_DVC_WORKSPACE


@pytest.fixture
def officer(db):
    return make_user("privacy-officer", "privacy_officer")
