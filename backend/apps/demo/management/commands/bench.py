"""`manage.py bench`: serving throughput through the API versus the same model called in-process.

Runs on the local installation's demo projects (run `make run` or `bootstrap_demo` first). The API path is
the real stack minus the network: Django's test client, token auth, validation, prediction logging and
audit events. Results are printed and written as JSON (default var/bench/results.json).
"""
import json
import platform
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from apps.accounts.tokens import token_create
from apps.demo.detection_demo import DETECTION_SLUG
from apps.demo.services import DEMO_SLUG
from apps.items.images import image_open
from apps.items.models import Item
from apps.predictions.model_cache import serving_model
from apps.projects.models import Project
from apps.training.ml import predict_texts
from apps.training.ml_detection import predict_boxes


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 2) if seconds else 0.0


class Command(BaseCommand):
    help = "Measure predictions per second through the API and in-process, for the demo text and image projects."

    def add_arguments(self, parser):
        parser.add_argument("--images", type=int, default=32)
        parser.add_argument("--texts", type=int, default=500)
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args, images, texts, out, **options):
        client = Client(HTTP_HOST="localhost")
        user = Project.objects.get(slug=DEMO_SLUG).members.filter(groups__name="annotator").first()
        if user is None:
            raise CommandError("Run bootstrap_demo first.")
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token_create(user=user)}"
        results = {"machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()}}
        results["text"] = self._text(client, texts)
        if Project.objects.filter(slug=DETECTION_SLUG).exists():
            results["images"] = self._images(client, images)
        out = out or settings.VAR_DIR / "bench" / "results.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        self.stdout.write(json.dumps(results, indent=2))
        self.stdout.write(f"written to {out}")

    def _text(self, client: Client, count: int) -> dict:
        project = Project.objects.get(slug=DEMO_SLUG)
        items = list(Item.objects.filter(project=project, split="pool").order_by("id")[:count])
        _, model = serving_model(project)
        started = time.perf_counter()
        predict_texts(model, [i.text for i in items], project.labels)
        in_process = time.perf_counter() - started
        started = time.perf_counter()
        for start in range(0, len(items), 50):
            response = client.post(f"/api/v1/projects/{project.slug}/predict/",
                                   {"inputs": [{"item_id": i.pk} for i in items[start:start + 50]]},
                                   content_type="application/json")
            assert response.status_code == 200, response.content
        api = time.perf_counter() - started
        return {"texts": len(items), "api_batch": 50, "api_per_s": _rate(len(items), api),
                "in_process_per_s": _rate(len(items), in_process), "api_over_in_process": round(in_process / api, 4)}

    def _images(self, client: Client, count: int) -> dict:
        import tempfile

        project = Project.objects.get(slug=DETECTION_SLUG)
        items = list(Item.objects.filter(project=project, split="pool").order_by("id")[:count])
        _, model = serving_model(project)
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for item in items:
                path = Path(folder) / f"{item.pk}{Path(item.storage_key).suffix}"
                with image_open(item.storage_key) as source:
                    path.write_bytes(source.read())
                paths.append(path)
            predict_boxes(model, paths[:2], project.labels)  # warm-up, as the API's cache is warm too
            started = time.perf_counter()
            for path in paths:
                predict_boxes(model, [path], project.labels)
            in_process = time.perf_counter() - started
        started = time.perf_counter()
        for item in items:  # one image per request: the API's worst case
            response = client.post(f"/api/v1/projects/{project.slug}/predict/", {"inputs": [{"item_id": item.pk}]},
                                   content_type="application/json")
            assert response.status_code == 200, response.content
        api = time.perf_counter() - started
        return {"images": len(items), "image_size": f"{items[0].width}x{items[0].height}" if items else None,
                "api_per_s": _rate(len(items), api), "in_process_per_s": _rate(len(items), in_process),
                "api_over_in_process": round(in_process / api, 4)}
