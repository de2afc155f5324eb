"""`manage.py simulate_feedback --project demo-text --rounds R --per-round N`: show that the loop learns.

Works for text projects (truth: a JSONL of {text, label}) and detection projects (truth: the demo's
manifest.json with each pool image's boxes).
"""
import json
import random
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from apps.demo.detection_demo import detection_data_dir, load_box_truth
from apps.demo.plot import plot_rounds
from apps.demo.services import demo_data_dir
from apps.demo.simulation import METRICS, load_truth, simulate_round
from apps.projects.models import Project
from apps.training.selectors import champion_get, training_run_active


class Command(BaseCommand):
    help = "Replay hidden true answers as an annotator would, retraining each round; prints holdout metrics."

    def add_arguments(self, parser):
        parser.add_argument("--project", default="demo-text")
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--per-round", type=int, default=200)
        parser.add_argument("--truth", type=Path, help="text: JSONL of {text, label}; detection: the demo folder")
        parser.add_argument("--annotator", default="annotator")
        parser.add_argument("--reviewer", default="reviewer")
        parser.add_argument("--engineer", default="engineer")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-approve", action="store_true", help="leave passing candidates awaiting approval")
        parser.add_argument("--json", type=Path, help="also write the per-round results to this file")
        parser.add_argument("--plot", type=Path, help="also draw the metrics per round into this PNG")

    def handle(self, *args, **opts):
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"No project {opts['project']!r}.")
        truth = self._truth(project, opts["truth"])
        names = {role: opts[role] for role in ("annotator", "reviewer", "engineer")}
        found = {u.username: u for u in User.objects.filter(username__in=names.values())}
        missing = sorted(set(names.values()) - set(found))
        if missing:
            raise CommandError(f"Missing users {', '.join(missing)} (run bootstrap_demo).")
        users = {role: found[name] for role, name in names.items()}
        champion = champion_get(project=project)
        if champion is None:
            raise CommandError("The project has no champion yet: train one first.")
        active = training_run_active(project=project)
        if active is not None:
            raise CommandError(f"Training run {active.pk} is {active.status}; wait for it before simulating.")
        first, second = METRICS[project.task]
        rng, results = random.Random(opts["seed"]), []
        self.stdout.write(f"round 0: champion v{champion.number} holdout {first} {champion.metrics.get(first):.4f}")
        self.stdout.write(f"round  accepted  corrected  reviewed  train_n  candidate  {first:>9} {second:>9}  "
                          f"decision           champion")
        for number in range(1, opts["rounds"] + 1):
            result = simulate_round(project=project, number=number, per_round=opts["per_round"], truth=truth,
                                    users=users, rng=rng, approve=not opts["no_approve"])
            if result is None:
                self.stdout.write("the pool is exhausted")
                break
            results.append(result.__dict__)
            self.stdout.write(
                f"{result.round:>5}  {result.accepted:>8}  {result.corrected:>9}  {result.reviewed:>8}  "
                f"{result.training_examples:>7}  v{result.candidate_version:<8}  {result.metrics[first]:>9.4f} "
                f"{result.metrics[second]:>9.4f}  {result.decision:<17}  "
                f"v{result.champion_version} ({result.champion_metrics[first]:.4f})")
        if opts["json"]:
            opts["json"].write_text(json.dumps(results, indent=2))
        if opts["plot"] and results:
            path = plot_rounds(start=champion.metrics.get(first), rounds=results, metrics=(first, second),
                               path=opts["plot"])
            self.stdout.write(f"learning curve drawn to {path}")

    def _truth(self, project, given: Path | None) -> dict:
        if project.task == "object_detection":
            folder = given or detection_data_dir()
            if not (folder / "manifest.json").exists():
                raise CommandError(f"No manifest.json in {folder}.")
            return load_box_truth(folder)
        path = given or demo_data_dir() / "pool.jsonl"
        if not path.exists():
            raise CommandError(f"No truth file at {path}.")
        return load_truth(path)
