"""The embedding rows of `make bench` (issue 11): an `embedding_lr` project's predict endpoint against the same model
served by the reference server (one text per request) and in-process (requests of many texts), measured exactly as
the TF-IDF rows are (apps.demo.bench.measure), so that both families are held to the same ratios.

The project (`bench-embedding`) holds synthetic tickets from the demo's generator (the same sizes and seed as
`demo-text` unless a test asks for fewer), written under VAR_DIR/bench/embedding-data, and trains the `embedding_lr`
family once, inline; later runs reuse it and its champion. It is a bench project: it lives in the bench
installation's database, like the predictions the bench makes.
"""
import json

from django.conf import settings
from django.contrib.auth.models import User

from apps.predictions.model_cache import serving_model
from apps.projects.models import Project, TextModel
from apps.training.models import Trigger
from apps.training.selectors import champion_get

EMBEDDING_SLUG = "bench-embedding"


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def embedding_project(*, owner: User, user: User, **demo_sizes: int) -> tuple[Project, object, object]:
    """(project, champion, its loaded model): the bench's embedding project, made and trained on first use, with
    `user` (the bench's annotator) a member so that its token may predict. `demo_sizes` go to the demo generator
    (n_labelled, n_pool, n_holdout) when the project is made."""
    from ai_models.demo_data import write_text_demo
    from apps.demo.services import DEMO_LABELS
    from apps.items.services import items_import
    from apps.projects.services import project_create, project_member_add
    from apps.training.services import training_run_execute, training_run_start

    project = Project.objects.filter(slug=EMBEDDING_SLUG).first()
    if project is None:
        paths = write_text_demo(settings.VAR_DIR / "bench" / "embedding-data", **demo_sizes)
        project = project_create(slug=EMBEDDING_SLUG, name="Support tickets, embedding model (bench)",
                                 task="text_classification", labels=list(DEMO_LABELS), creator=owner,
                                 text_model=TextModel.EMBEDDING_LR,
                                 purpose="make bench: the embedding model family's serving cost (synthetic data).")
        items_import(project=project, rows=_rows(paths["labelled"]), actor=owner, source="demo")
        items_import(project=project, rows=[{**r, "split": "holdout"} for r in _rows(paths["holdout"])], actor=owner,
                     source="demo")
        items_import(project=project, rows=[{"text": r["text"]} for r in _rows(paths["pool"])], actor=owner,
                     source="demo")
    if not project.members.filter(pk=user.pk).exists():
        project_member_add(project=project, user=user, actor=owner)
    if champion_get(project=project) is None:
        run = training_run_start(project=project, trigger=Trigger.MANUAL, actor=owner, enqueue=False)
        training_run_execute(run_id=run.pk)
    champion, model = serving_model(project)
    return project, champion, model
