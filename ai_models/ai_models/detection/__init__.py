"""Object detection on ultralytics YOLO, split by concern; import it via the
:mod:`ai_models.object_detection` facade. Nothing here imports torch/ultralytics at import time."""
