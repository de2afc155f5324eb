"""Render a training run's progress on one terminal line."""


def progress_line(progress: dict) -> str:
    percent = int(progress.get("percent", 0))
    bar = "#" * (percent // 5) + "." * (20 - percent // 5)
    stage = progress.get("stage", "?")
    fold = f" fold {progress['fold']}/{progress['folds']}" if progress.get("folds") and progress.get("fold") else ""
    epoch = f" epoch {progress['epoch']}/{progress['epochs']}" if progress.get("epochs") else ""
    items = f" {progress['done']}/{progress['total']}" if "total" in progress else ""
    return f"[{bar}] {percent:3d}% {stage}{fold}{epoch}{items}"
