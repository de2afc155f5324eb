"""`manage.py simulate_feedback --project demo-text --rounds R --per-round N`: show that the loop learns."""
import json
import random
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from apps.demo.plot import plot_rounds
from apps.demo.services import demo_data_dir
from apps.demo.simulation import load_truth, simulate_round
from apps.projects.models import Project
from apps.training.selectors import champion_get


class Command(BaseCommand):
    help = "Replay the pool's hidden labels as an annotator would, retraining each round; prints holdout accuracy."

    def add_arguments(self, parser):
        parser.add_argument("--project", default="demo-text")
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--per-round", type=int, default=200)
        parser.add_argument("--truth", type=Path, help="JSONL of {text, label} (default: the demo pool file)")
        parser.add_argument("--annotator", default="annotator")
        parser.add_argument("--engineer", default="engineer")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-approve", action="store_true", help="leave passing candidates awaiting approval")
        parser.add_argument("--json", type=Path, help="also write the per-round results to this file")
        parser.add_argument("--plot", type=Path, help="also draw accuracy per round into this PNG")

    def handle(self, *args, **opts):
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"No project {opts['project']!r}.")
        truth_path = opts["truth"] or demo_data_dir() / "pool.jsonl"
        if not truth_path.exists():
            raise CommandError(f"No truth file at {truth_path}.")
        users = {u.username: u for u in User.objects.filter(username__in=[opts["annotator"], opts["engineer"]])}
        if len(users) < 2:
            raise CommandError("The annotator and engineer users must exist (run bootstrap_demo).")
        champion = champion_get(project=project)
        if champion is None:
            raise CommandError("The project has no champion yet: train one first.")
        truth, rng = load_truth(truth_path), random.Random(opts["seed"])
        self.stdout.write(f"round 0: champion v{champion.number} holdout accuracy {champion.metrics.get('accuracy'):.4f}")
        self.stdout.write("round  accepted  corrected  train_n  candidate  accuracy  f1_macro  decision           champion")
        results = []
        for number in range(1, opts["rounds"] + 1):
            result = simulate_round(project=project, number=number, per_round=opts["per_round"], truth=truth,
                                    annotator=users[opts["annotator"]], engineer=users[opts["engineer"]], rng=rng,
                                    approve=not opts["no_approve"])
            if result is None:
                self.stdout.write("the pool is exhausted")
                break
            results.append(result.__dict__)
            self.stdout.write(
                f"{result.round:>5}  {result.accepted:>8}  {result.corrected:>9}  {result.training_examples:>7}  "
                f"v{result.candidate_version:<8}  {result.accuracy:.4f}    {result.f1_macro:.4f}    "
                f"{result.decision:<17}  v{result.champion_version} ({result.champion_accuracy:.4f})")
        if opts["json"]:
            opts["json"].write_text(json.dumps(results, indent=2))
        if opts["plot"] and results:
            path = plot_rounds(start_accuracy=champion.metrics.get("accuracy"), rounds=results, path=opts["plot"])
            self.stdout.write(f"learning curve drawn to {path}")
