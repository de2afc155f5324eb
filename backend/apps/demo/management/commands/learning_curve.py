"""`manage.py learning_curve`: every queue strategy x text model family on the hard corpus (apps.demo.learning_curve);
with `--task detection`, least confident against random on demo-shapes' generated images
(apps.demo.learning_curve_detection).

`make learning-curve` runs it on a fresh throw-away database (var/bench/learning-curve-work) and writes
var/bench/learning-curve.json + .png, and the section "Learning curve" of docs/learning.md with the plot in
docs/images/; `make learning-curve-detection` writes learning-curve-detection.* and the section "Detection learning
curve". `--quick` is a small run for tests and trying it out.
"""
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.demo import learning_curve as lc
from apps.demo import learning_curve_report as report

QUICK = lc.CurveConfig(pool=160, holdout=120, seed_per_label=1, per_round=20, rounds=2, k_folds=2)


class Command(BaseCommand):
    help = "Learning curves (holdout accuracy and macro-F1 against labels) per queue strategy x text model family."

    def add_arguments(self, parser):
        default = lc.CurveConfig()
        parser.add_argument("--task", choices=("text", "detection"), default="text",
                            help="text (default): the hard corpus; detection: demo-shapes' images, YOLO")
        parser.add_argument("--quick", action="store_true", help="a small run (tests): pool 160, 2 rounds of 20 "
                            "(detection: pool 16, 2 rounds of 4, 1 epoch)")
        parser.add_argument("--pool", type=int, help=f"pool texts (default {default.pool})")
        parser.add_argument("--holdout", type=int, help=f"holdout texts (default {default.holdout})")
        parser.add_argument("--per-round", type=int, help=f"answers per round (default {default.per_round})")
        parser.add_argument("--rounds", type=int, help=f"rounds after the seed model (default {default.rounds})")
        parser.add_argument("--seed", type=int, help=f"corpus and split seed (default {default.seed})")
        parser.add_argument("--k-folds", type=int, help=f"k-fold K per training run (default {default.k_folds})")
        parser.add_argument("--strategy", action="append", help="a queue strategy (repeatable); default: all")
        parser.add_argument("--family", action="append", choices=lc.FAMILIES, help="a text model family "
                            "(repeatable); default: both")
        parser.add_argument("--seed-images", type=int, help="detection: images imported with boxes for the first "
                            "model (default 20)")
        parser.add_argument("--epochs", type=int, help="detection: YOLO epochs per run (default params.yaml's EPOCHS)")
        parser.add_argument("--prefix", help="slug prefix of the benchmark's projects (default lc; detection lcd)")
        parser.add_argument("--out", type=Path, default=settings.REPO_DIR / "var" / "bench",
                            help="folder of learning-curve.json and learning-curve.png")
        parser.add_argument("--doc", type=Path, help="also write the section 'Learning curve' of this markdown file, "
                            "and the plot into images/ beside it")

    def handle(self, *args, **opts):
        if opts["task"] == "detection":
            from apps.demo.learning_curve_detection_cli import detection_handle

            return detection_handle(self, opts)
        if opts["seed_images"] is not None or opts["epochs"] is not None:
            raise CommandError("--seed-images and --epochs are detection options (--task detection).")
        config = self._config(opts)
        corpus = lc.corpus_build(config)
        users = lc.benchmark_users()
        started, wall = timezone.now(), time.perf_counter()
        load_before = load()
        self.stdout.write(f"learning curve: {len(config.strategies)} strategies x {len(config.families)} families, "
                          f"pool {config.pool} ({len(corpus.seed)} seed labels), holdout {config.holdout}, "
                          f"{config.rounds} rounds of {config.per_round}, K={config.k_folds}; load {load_before}")
        all_labels = {}
        for family in config.families:
            all_labels[family] = lc.all_labels_run(config=config, corpus=corpus, family=family, users=users)
            self.stdout.write(f"all labels, {family}: accuracy {all_labels[family]['accuracy']:.3f} "
                              f"({all_labels[family]['labels']} labels)")
        curves = []
        for strategy in config.strategies:
            for family in config.families:
                curve = lc.curve_run(config=config, corpus=corpus, strategy=strategy, family=family, users=users,
                                     echo=self._echo)
                curves.append(lc.curve_as_dict(curve))
                self.stdout.write(f"{strategy} x {family}: done in {curve.seconds:.0f} s")
        result = {
            "command": command_line(),
            "started_at": started.isoformat(timespec="seconds"), "finished_at":
            timezone.now().isoformat(timespec="seconds"), "wall_s": round(time.perf_counter() - wall, 1),
            "machine": {"cpus": os.cpu_count(), "load_before": load_before, "load_after": load()},
            "git_commit": git_commit(),
            "config": {**asdict(config), "strategies": list(config.strategies), "families": list(config.families)},
            "seed_labels": len(corpus.seed), "corpus": "ai_models.hard_corpus (synthetic: 40 labels, 8 % label noise)",
            "all_labels": all_labels, "curves": curves}
        result["summary"] = report.summarize(result)
        self._write(result, opts)

    def _config(self, opts) -> lc.CurveConfig:
        config = QUICK if opts["quick"] else lc.CurveConfig()
        given = {name: opts[key] for name, key in (("pool", "pool"), ("holdout", "holdout"), ("per_round", "per_round"),
                                                   ("rounds", "rounds"), ("seed", "seed"), ("k_folds", "k_folds"))
                 if opts[key] is not None}
        known = lc.strategies()
        chosen = tuple(opts["strategy"] or known)
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            raise CommandError(f"Unknown strategy {', '.join(unknown)}; the queue offers {', '.join(known)}.")
        config = replace(config, **given, strategies=chosen, families=tuple(opts["family"] or lc.FAMILIES),
                         prefix=opts["prefix"] or "lc")
        if config.rounds < 1 or config.per_round < 1 or config.pool < 2 * config.per_round or config.k_folds < 2:
            raise CommandError("Need rounds >= 1, per-round >= 1, k-folds >= 2 and a pool of at least 2 rounds.")
        return config

    def _echo(self, curve) -> None:
        p = curve.points[-1]
        self.stdout.write(f"  {curve.strategy} x {curve.family} round {p.round}: {p.labels} labels, accuracy "
                          f"{p.accuracy:.3f}, macro-F1 {p.f1_macro:.3f} (v{p.version} {p.decision}, {p.seconds:.1f} s)")

    def _write(self, result: dict, opts) -> None:
        write_outputs(self, result, opts, name="learning-curve", doc_image="learning-curve-strategies.png",
                      report=report, doc_markers={})


def command_line() -> str:
    return "manage.py learning_curve " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else "manage.py learning_curve"


def write_outputs(command: BaseCommand, result: dict, opts, *, name: str, doc_image: str, report,
                  doc_markers: dict) -> None:
    """<out>/<name>.json and .png; with --doc, the plot as docs/images/<doc_image> and the section between the
    report's markers (`doc_markers`: doc_update's start/end/heading, {} for the text curve's)."""
    out: Path = opts["out"]
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=1))
    png = report.plot(result, out / f"{name}.png")
    command.stdout.write(f"wrote {out / f'{name}.json'} and {png}")
    doc_plot = None
    if opts["doc"]:
        images = opts["doc"].parent / "images"
        images.mkdir(exist_ok=True)
        shutil.copyfile(png, images / doc_image)
        doc_plot = f"images/{doc_image}"
    body = report.markdown(result, result["summary"], plot_path=doc_plot)
    if opts["doc"]:
        from apps.demo.learning_curve_report import doc_update

        doc_update(opts["doc"], body, **doc_markers)
        command.stdout.write(f"updated {opts['doc']}")
    command.stdout.write(body)


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def git_commit() -> str:
    """The code the curves were measured with (short hash, "+dirty" with uncommitted changes)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=settings.REPO_DIR, capture_output=True,
                              text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=settings.REPO_DIR,
                               capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
