"""Celery tasks of monitoring: check one project, or fan a check out to every project (for the beat schedule)."""
from celery import shared_task
from django.db import OperationalError


@shared_task(name="monitoring.check", acks_late=True, soft_time_limit=300, time_limit=330,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def monitoring_check_task(project_id: int) -> dict:
    from apps.projects.models import Project

    from .services import monitoring_check

    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return {"project": project_id, "skipped": "no such project"}
    result = monitoring_check(project=project)
    return {"project": project.slug, "raised": [f.pk for f in result.raised], "cleared": [f.pk for f in result.cleared],
            "training_run": result.training_run}


@shared_task(name="monitoring.check_all", acks_late=True, soft_time_limit=60, time_limit=90,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def monitoring_check_all_task() -> list[int]:
    """One monitoring.check per project that has a model version (the beat entry to schedule)."""
    from apps.projects.models import Project

    ids = list(Project.objects.filter(model_versions__isnull=False).distinct().values_list("pk", flat=True))
    for project_id in ids:
        monitoring_check_task.delay(project_id)
    return ids
