"""`manage.py propose_candidate`: the DVC pipeline's register stage hands its registered model to the promotion gate.

It records a training run (trigger "dvc") and a candidate model version; it never moves the champion itself. The
evaluation is read whole: the headline figures from holdout.json, the per-class tables and confusion matrices from
the evaluate stage's plot files (the model card and the training pages show them).
"""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.audit.services import audit_event_record
from apps.projects.models import Project
from apps.training.candidates import candidate_register
from apps.training.models import RunStatus, TrainingRun, Trigger
from apps.training.pipeline import pipeline_params


class Command(BaseCommand):
    help = "Propose a model registered by the DVC pipeline as a candidate to the project's promotion gate."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True)
        parser.add_argument("--registered", type=Path, required=True, help="register stage output (registered.json)")
        parser.add_argument("--metrics", type=Path, required=True, help="evaluate stage output (holdout.json)")
        parser.add_argument("--plots", type=Path, default=Path("plots/evaluate"),
                            help="evaluate stage's plot files (per-class tables, confusion matrices)")
        parser.add_argument("--kfold", type=Path, required=True, help="kfold_model_training output (kfold.json)")
        parser.add_argument("--raw", type=Path, default=Path("data/raw"), help="data_collection output")

    def handle(self, *args, **opts):
        from ai_models.stages.evaluation_files import read_evaluation

        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"No project {opts['project']!r}.")
        try:
            outcome = {"registered": json.loads(opts["registered"].read_text()),
                       "holdout": read_evaluation(opts["metrics"], opts["plots"]),
                       "kfold": json.loads(opts["kfold"].read_text()),
                       "manifest": json.loads((opts["raw"] / "manifest.json").read_text())}
        except (OSError, ValueError, KeyError) as exc:  # JSONDecodeError is a ValueError
            raise CommandError(f"cannot read the pipeline outputs: {exc}") from exc
        if outcome["manifest"].get("project") != project.slug:
            raise CommandError(f"data/raw holds project {outcome['manifest'].get('project')!r}, not {project.slug!r}.")
        with transaction.atomic():
            run = TrainingRun.objects.create(project=project, trigger=Trigger.DVC, status=RunStatus.RUNNING,
                                             progress={"stage": "register", "percent": 95})
            audit_event_record(action="training.requested", project=project, obj=run, details={"trigger": "dvc"})
            version = candidate_register(run=run, outcome=outcome, params=pipeline_params())
        self.stdout.write(f"{project.slug}: model version {version.number} (registered version "
                          f"{version.registered_version}); gate: {version.gate.get('decision')}; status: {version.status}")
