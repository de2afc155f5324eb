"""Set up the demo installation idempotently: role users, the demo projects, their data, their first models,
and their review queues (each pool scored by its champion).

The data is synthetic (ai_models.demo_data texts and ai_models.demo_images shapes; no downloads). The
pools' true answers are kept only under `var/demo/`, for the simulator; the platform sees the pools unlabelled.
"""
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from apps.accounts.services import user_create
from apps.items.services import items_import
from apps.predictions.scoring import queue_scoring_run_inline, scoring_progress
from apps.projects.models import Project
from apps.projects.services import project_create, project_member_add
from apps.training.models import Trigger
from apps.training.selectors import champion_get
from apps.training.services import training_run_execute, training_run_start

from .detection_demo import DETECTION_SLUG, detection_demo_create

DEMO_SLUG = "demo-text"
DEMO_LABELS = ("billing", "technical", "shipping", "account", "product_question")
DEMO_USERS = {"annotator": ["annotator"], "reviewer": ["reviewer"], "engineer": ["ml_engineer"], "auditor": ["auditor"]}


@dataclass
class DemoReport:
    created_users: dict[str, str] = field(default_factory=dict)  # username -> password, only when just created
    created_projects: list[str] = field(default_factory=list)
    trained: dict[str, int] = field(default_factory=dict)  # project slug -> first champion's number
    scored: dict[str, int] = field(default_factory=dict)  # project slug -> pool items scored for the queue


def demo_data_dir() -> Path:
    return settings.VAR_DIR / "demo" / "text"


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _ensure_user(username: str, roles: list[str], *, superuser: bool, password: str | None, report: DemoReport) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        password = password or secrets.token_urlsafe(12)
        user = user_create(username=username, password=password, roles=roles, actor=None, is_superuser=superuser)
        report.created_users[username] = password
    return user


def _train_first_model(project, admin, report: DemoReport, echo) -> None:
    if champion_get(project=project) is None:
        run = training_run_start(project=project, trigger=Trigger.BOOTSTRAP, actor=admin, enqueue=False)
        run = training_run_execute(run_id=run.pk, echo=echo)
        report.trained[project.slug] = run.model_version.number


def _score_queue(project, report: DemoReport, echo) -> None:
    """Score the pool here, before the server starts, so that a fresh `make run` opens on a full review queue.

    The first champion also sent a scoring job to the (not yet started) worker; it finds the job done.
    """
    job = queue_scoring_run_inline(project=project, echo=(lambda j: echo(scoring_progress(j))) if echo else None)
    if job is not None:
        report.scored[project.slug] = job.done


def demo_setup(*, train: bool = True, detection: bool = True, echo=None) -> DemoReport:
    report = DemoReport()
    admin = _ensure_user("admin", ["admin"], superuser=True, password=os.environ.get("DJANGO_SUPERUSER_PASSWORD"),
                         report=report)
    users = [_ensure_user(name, roles, superuser=False, password=None, report=report)
             for name, roles in DEMO_USERS.items()]
    project = Project.objects.filter(slug=DEMO_SLUG).first()
    if project is None:
        from ai_models.demo_data import write_text_demo

        paths = write_text_demo(demo_data_dir())
        project = project_create(
            slug=DEMO_SLUG, name="Support tickets (synthetic demo)", task="text_classification",
            labels=list(DEMO_LABELS), creator=admin,
            retrain_min_feedback=50, purpose="Route customer-support tickets to the right team (synthetic demo data).",
            lawful_basis="legitimate_interests")
        for user in users:
            project_member_add(project=project, user=user, actor=admin)
        items_import(project=project, rows=_read_jsonl(paths["labelled"]), actor=admin, source="demo")
        items_import(project=project, rows=[{**r, "split": "holdout"} for r in _read_jsonl(paths["holdout"])],
                     actor=admin, source="demo")
        items_import(project=project, rows=[{"text": r["text"]} for r in _read_jsonl(paths["pool"])],
                     actor=admin, source="demo")
        report.created_projects.append(DEMO_SLUG)
    if train:
        _train_first_model(project, admin, report, echo)
        _score_queue(project, report, echo)
    if detection:
        shapes = Project.objects.filter(slug=DETECTION_SLUG).first()
        if shapes is None:
            shapes = detection_demo_create(admin=admin, members=users)
            report.created_projects.append(DETECTION_SLUG)
        if train:
            _train_first_model(shapes, admin, report, echo)
            _score_queue(shapes, report, echo)
    return report
