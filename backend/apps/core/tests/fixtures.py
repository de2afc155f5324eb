"""Shared fixtures: users with roles, API clients, small projects with data, trained champions."""
import random

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import user_create
from apps.accounts.tokens import token_create
from apps.items.services import items_import
from apps.projects.services import project_create, project_member_add
from apps.training.models import Trigger
from apps.training.services import training_run_execute, training_run_start

LABELS = ["billing", "technical", "shipping"]
_WORDS = {
    "billing": ["invoice", "refund", "charged", "payment", "price", "receipt", "subscription fee"],
    "technical": ["crash", "error", "bug", "login fails", "freezes", "update broke", "slow app"],
    "shipping": ["parcel", "delivery", "courier", "tracking", "package late", "shipped", "address label"],
}


def tiny_texts(n_per_label: int, *, seed: int) -> list[dict]:
    """Short, distinct, clearly separable texts: enough for fast, deterministic training in tests."""
    rng = random.Random(seed)
    rows = []
    for label, words in _WORDS.items():
        for i in range(n_per_label):
            picked = rng.sample(words, 3)
            rows.append({"text": f"{' '.join(picked)} ticket {seed}-{label}-{i}", "label": label})
    rng.shuffle(rows)
    return rows


def make_user(username: str, *roles: str):
    return user_create(username=username, password=f"pw-{username}-secret", roles=list(roles), actor=None)


@pytest.fixture
def users(db):
    return {
        "admin": user_create(username="root", password="pw-root-secret", roles=["admin"], actor=None,
                             is_superuser=True),
        "annotator": make_user("ann", "annotator"),
        "reviewer": make_user("rev", "reviewer"),
        "engineer": make_user("eng", "ml_engineer"),
        "auditor": make_user("aud", "auditor"),
        "outsider": make_user("out", "annotator", "ml_engineer", "auditor"),
        "nobody": make_user("nob"),
    }


@pytest.fixture(autouse=True)
def _login_counters_start_empty():
    """The login throttle counts in the shared cache (a file cache in this run's VAR_DIR): no test inherits counts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=user)}")
        return client

    return make


def create_project(*, slug: str, owner, members=(), n_per_label: int = 12, holdout_per_label: int = 4,
                   seed: int = 1, **policies):
    project = project_create(slug=slug, name=slug.title(), task="text_classification", labels=list(LABELS),
                             creator=owner, **policies)
    for member in members:
        project_member_add(project=project, user=member, actor=owner)
    items_import(project=project, rows=tiny_texts(n_per_label, seed=seed), actor=owner)
    holdout = [{**r, "split": "holdout"} for r in tiny_texts(holdout_per_label, seed=seed + 100)]
    items_import(project=project, rows=holdout, actor=owner)
    return project


def train_inline(project, actor=None):
    run = training_run_start(project=project, trigger=Trigger.MANUAL, actor=actor, enqueue=False)
    return training_run_execute(run_id=run.pk).model_version


@pytest.fixture
def project(users):
    members = [users[r] for r in ("annotator", "reviewer", "auditor")]
    return create_project(slug="tickets", owner=users["engineer"], members=members)


@pytest.fixture
def trained_project(project, users):
    train_inline(project, users["engineer"])
    project.refresh_from_db()
    return project
