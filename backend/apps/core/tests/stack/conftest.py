"""The `stack` fixture: one whole stack (scripts/stack.sh) per test session, shared by the stack tests.

Skipped when a binary is missing on a developer machine; a failure under HITL_REQUIRE_SERVICES (CI).
HITL_KEEP_STACK=1 keeps its directory (logs, data) after the session.
"""
import os
import shutil

import pytest

from apps.core.tests.live import require

from .harness import Stack, missing_binaries


@pytest.fixture(scope="session")
def stack():
    missing = missing_binaries()
    require(not missing, f"the native stack ({', '.join(missing)})")
    instance = Stack()
    try:
        instance.up()
        yield instance
    finally:
        instance.down()
        print(f"\nstack timings: {instance.timings}")
        if os.environ.get("HITL_KEEP_STACK"):
            print(f"stack kept under {instance.root}")
        else:
            shutil.rmtree(instance.root, ignore_errors=True)
