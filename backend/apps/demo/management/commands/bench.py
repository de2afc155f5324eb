"""`manage.py bench` (`make bench`): every serving target of issue 9 measured side by side with its reference.

Runs on this installation's demo projects (bootstrap_demo first) and database (embedded SQLite, or DATABASE_URL):
- the platform is gunicorn as `make run` starts it (2 workers x 4 threads) with a real token;
- the reference is a FastAPI app under uvicorn (2 workers) serving the same champion model file, nothing logged;
- the load generator (asyncio + aiohttp, its own process) drives both identically on loopback.
Prints the table, writes var/bench/results.json and replaces the table in docs/performance.md. BENCH_QUICK=1 (or
--quick) runs every piece briefly, to try it; quick runs leave docs/performance.md alone. See apps/demo/bench/.
"""
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.tokens import token_create
from apps.demo.bench import measure, report
from apps.demo.bench.embedding import embedding_project
from apps.demo.bench.servers import peak_rss_mb, platform_server, reference_server
from apps.demo.detection_demo import DETECTION_SLUG
from apps.demo.services import DEMO_SLUG
from apps.predictions.model_cache import serving_model
from apps.projects.models import Project
from apps.training.ml import text_model_folder

FULL = {"duration": 10.0, "connections": "1,8,32", "batch_size": 1000, "batch_repeats": 5, "feedback_count": 15000,
        "append_events": 5000, "verify_events": 1_000_000, "images": 32, "image_batch": 8,
        "privacy_items": 100_000, "privacy_predictions_per_item": 10, "purge_items": 10_000,
        "sealing_texts": 10_000}
QUICK = {"duration": 1.0, "connections": "1,8,32", "batch_size": 100, "batch_repeats": 1, "feedback_count": 200,
         "append_events": 200, "verify_events": 2000, "images": 4, "image_batch": 2,
         "privacy_items": 2000, "privacy_predictions_per_item": 5, "purge_items": 1000, "sealing_texts": 1000}
PIECES = ("text", "batch", "feedback", "detection", "embedding", "audit", "privacy")
EMBEDDING_BATCH = 200  # texts per batched request of the embedding model (it encodes ~100-400 texts/s here)


class Command(BaseCommand):
    help = "Serving targets of issue 9 vs their references: table, var/bench/results.json, docs/performance.md."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
        for name, value in FULL.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None,
                                help=f"default {value} (quick: {QUICK[name]})")
        parser.add_argument("--only", default=",".join(PIECES), help=f"comma-separated subset of {', '.join(PIECES)}")
        parser.add_argument("--out", type=Path, default=None)
        parser.add_argument("--docs", type=Path, default=None, help="default docs/performance.md (not on --quick)")
        parser.add_argument("--rerender", action="store_true",
                            help="measure nothing: add var/bench/pipeline.json to the last results and write them again")

    def handle(self, *args, quick, only, out, docs, rerender, **options):
        out = out or settings.VAR_DIR / "bench" / "results.json"
        if rerender:
            return self._write(json.loads(out.read_text()), out, docs)
        conf = {k: options[k] if options.get(k) is not None else (QUICK if quick else FULL)[k] for k in FULL}
        pieces = {p for p in only.split(",") if p}
        if unknown := pieces - set(PIECES):
            raise CommandError(f"--only: unknown pieces {sorted(unknown)}; choose from {', '.join(PIECES)}.")
        project = Project.objects.filter(slug=DEMO_SLUG).first()
        user = project and project.members.filter(groups__name="annotator").first()
        if user is None:
            raise CommandError("Run bootstrap_demo first (make run or manage.py bootstrap_demo).")
        token = token_create(user=user)
        champion, _model = serving_model(project)  # loads (and checks) the champion the rows serve
        results: dict = {"quick": quick, "config": conf}
        say = lambda msg: self.stderr.write(msg)  # noqa: E731  progress on stderr, the table on stdout
        if "embedding" in pieces:
            say("the embedding project (trained once, then reused) ...")
            embedding = embedding_project(owner=project.created_by or user, user=user)
        with reference_server(text_model_folder(champion)) as ref, platform_server() as plat:
            say(f"reference on {ref.base}, platform on {plat.base}")
            results["loadgen"] = measure.loadgen_cost(ref, duration=conf["duration"])
            if "text" in pieces:
                say("single-text predict ...")
                results["single_text"] = measure.single_text(
                    ref, plat, project, token, connections=[int(c) for c in str(conf["connections"]).split(",")],
                    duration=conf["duration"])
            if "batch" in pieces:
                say("batched predict ...")
                results["batched"] = measure.batched(plat, project, text_model_folder(champion), token,
                                                     size=conf["batch_size"],
                                                     repeats=conf["batch_repeats"])
            if "feedback" in pieces:
                say("feedback ...")
                results["feedback"] = measure.feedback(plat, project, user, token, count=conf["feedback_count"],
                                                       connections=32, duration=conf["duration"])
            detection = Project.objects.filter(slug=DETECTION_SLUG).first()
            if "detection" in pieces and detection is not None:
                say("detection ...")
                _, detector = serving_model(detection)
                detection_token = token_create(user=detection.members.filter(groups__name="annotator").first()
                                               or user)
                results["detection"] = measure.detection(plat, detection, detector, detection_token,
                                                         images=conf["images"], batch=conf["image_batch"])
            workers = {pid: peak_rss_mb(pid) for pid in plat.worker_pids()}
            results["memory"] = {"workers": workers, "peak_rss_mb": max(filter(None, workers.values()), default=None),
                                 "reference_peak_rss_mb": max(filter(None, map(peak_rss_mb, ref.worker_pids())),
                                                              default=None),
                                 "models_loaded": (["text"] if pieces & {"text", "batch"} else [])
                                 + (["detection"] if "detection" in results else [])}
            if "embedding" in pieces:
                say("embedding model: single-text and batched predict ...")
                results["embedding"] = self._embedding(embedding, plat, token, conf)
        if "audit" in pieces:
            say("audit append ...")
            results["audit_append"] = measure.audit_append(count=conf["append_events"])
            say(f"audit verify over {conf['verify_events']:,} events (topping the chain up first) ...")
            results["audit_verify"] = measure.audit_verify(events=conf["verify_events"],
                                                          workers=min(os.cpu_count() or 1, 8))
            results["chain_ok_after"] = results["audit_verify"]["ok"]
        if "privacy" in pieces:
            say(f"erasure among {conf['privacy_items']:,} items, then the log and retention purges ...")
            from apps.privacy.bench import privacy_bench

            results["privacy"] = privacy_bench(items=conf["privacy_items"],
                                               predictions_per_item=conf["privacy_predictions_per_item"],
                                               purge_items=conf["purge_items"],
                                               sealing_texts=conf["sealing_texts"])
        overrides = " ".join(f"--{k.replace('_', '-')} {options[k]}" for k in FULL if options.get(k) is not None)
        if os.environ.get("MAKELEVEL"):  # run by make
            command = ("BENCH_QUICK=1 " if quick else "") + "make bench"
        else:
            command = " ".join(["manage.py bench", *(["--quick"] if quick else []), overrides]).strip()
        if os.environ.get("DATABASE_URL"):
            command = "DATABASE_URL=… " + command
        self._write(report.stamp(results, command=command), out, docs)

    @staticmethod
    def _embedding(embedding: tuple, plat, token: str, conf: dict) -> dict:
        """The TF-IDF rows' measurements on the embedding project, against a reference server of its own model."""
        project, champion, _model = embedding
        with reference_server(text_model_folder(champion)) as ref:
            single = measure.single_text(ref, plat, project, token, connections=[1, 8], duration=conf["duration"])
        batched = measure.batched(plat, project, text_model_folder(champion), token,
                                  size=min(conf["batch_size"], EMBEDDING_BATCH),
                                  repeats=conf["batch_repeats"])
        workers = [peak_rss_mb(pid) for pid in plat.worker_pids()]
        return {"model_version": champion.number, "text_model": project.text_model,
                "single_text": single, "batched": batched,
                "peak_rss_mb_after": max(filter(None, workers), default=None)}

    def _write(self, results: dict, out: Path, docs: Path | None) -> None:
        pipeline = settings.VAR_DIR / "bench" / "pipeline.json"
        if pipeline.exists():
            results["pipeline"] = json.loads(pipeline.read_text())
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        self.stdout.write(report.header(results) + "\n\n" + report.table(results))
        self.stdout.write(f"\nwritten to {out}")
        if docs or not results["quick"]:
            docs = docs or settings.BASE_DIR.parent / "docs" / "performance.md"
            report.update_docs(docs, results)
            self.stdout.write(f"table written to {docs}")
