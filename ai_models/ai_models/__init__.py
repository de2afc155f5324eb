"""Framework-free ML package of the HITL platform: training, evaluation, experiment tracking
and synthetic demo data. Nothing here imports Django; callers pass plain dataclasses/dicts."""
