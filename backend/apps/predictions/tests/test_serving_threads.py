"""The serving process (config.asgi) runs the models' math on one thread unless the deployment says otherwise:
gunicorn runs about a worker per core, and torch's default of a thread per core in every worker oversubscribes the
machine under load (docs/learning.md, "Encoding throughput")."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[3]
PROBE = "import config.asgi, torch; print(torch.get_num_threads())"


def _threads_in_serving_process(**env) -> int:
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "HITL_SERVING_THREADS")}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=BACKEND, env={**clean, **env}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: torch's default is one thread anyway")
def test_one_thread_by_default_and_the_deployment_decides_otherwise():
    assert _threads_in_serving_process() == 1
    assert _threads_in_serving_process(HITL_SERVING_THREADS="2") == 2
    assert _threads_in_serving_process(OMP_NUM_THREADS="2", HITL_SERVING_THREADS="1") == 2  # the deployment's own
