"""The batched rows' in-process reference, in a fresh Python process of its own.

`predict_texts` timed in the bench's own process was at the mercy of what that process had done before: in one full
`make bench` (the embedding project trained in it first) the same 1,000 texts took 91 ms there against 30 ms in
every run before and after, which made the API look 0.71x as fast instead of 0.23x. A process that only loads the
champion's model folder (as the reference server does) and times the call gives the same figure whatever ran
before. It reads one JSON line per batch on stdin (`{"texts": [...], "labels": [...]}`) and answers the seconds
`predict_texts` took; Django is not loaded.

    python -m apps.demo.bench.in_process <model folder>
"""
import json
import subprocess
import sys
import time
from pathlib import Path


class InProcess:
    """The child process: `seconds(texts, labels)` times one call of predict_texts on the loaded model."""

    def __init__(self, model_dir: Path):
        self.model_dir = model_dir
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        from django.conf import settings

        self.process = subprocess.Popen([sys.executable, "-m", "apps.demo.bench.in_process", str(self.model_dir)],
                                        cwd=settings.BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        return self

    def seconds(self, texts: list[str], labels: list[str]) -> float:
        self.process.stdin.write(json.dumps({"texts": texts, "labels": labels}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the in-process reference exited with {self.process.wait()}")
        return float(line)

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def main(model_dir: str) -> None:
    import mlflow.sklearn

    from ai_models.text_classification import predict_texts

    model = mlflow.sklearn.load_model(model_dir)
    for line in sys.stdin:
        batch = json.loads(line)
        started = time.perf_counter()
        predict_texts(model, batch["texts"], batch["labels"])
        print(time.perf_counter() - started, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
