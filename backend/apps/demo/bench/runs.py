"""Following a training run from a bench: when each pipeline stage was first seen (bench_pipeline, the scale-out
script in scripts/)."""
import time


def run_stage_times(run_id: int, *, poll_s: float = 0.1) -> tuple[object, dict[str, float]]:
    """Poll the run until it succeeds or fails: the run, and {stage: perf_counter when first seen}."""
    from apps.training.models import RunStatus, TrainingRun

    seen: dict[str, float] = {}
    while True:
        run = TrainingRun.objects.get(pk=run_id)
        seen.setdefault(run.progress.get("stage", ""), time.perf_counter())
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run, seen
        time.sleep(poll_s)
