"""Human oversight's stop button (EU AI Act Art. 14(4)(e)): an ML engineer or an admin stops a project's model, and
starts it again.

While a project is stopped its model answers nothing: predict requests get 503 "stopped by <role> at <time>" (the
view, and the serving fast path, which hands such a request to the view), queue scoring and prediction batches do
not run, and no training run starts — a request gets 409, the feedback policy and monitoring start none.
Answers and reviews of predictions made before the stop are still taken: they are human work, and nothing retrains
from them until the project is started. Both transitions are audited (`project.stopped`, `project.started`) in
their transaction.
"""
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import primary_role
from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict
from apps.core.limits import note_text

from .models import Project

STOPPED_STATUS = 503


def _reason(reason) -> str:
    return note_text(reason, name="reason", missing="Say why (reason): it is recorded with the stop or the start.")


@transaction.atomic
def project_stop(*, project: Project, actor, reason) -> Project:
    reason = _reason(reason)
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    if project.stopped_at is not None:
        raise Conflict(stopped_message(project))
    project.stopped_at, project.stopped_by, project.stopped_role = timezone.now(), actor, primary_role(actor)
    project.stop_reason = reason
    project.save(update_fields=["stopped_at", "stopped_by", "stopped_role", "stop_reason"])
    audit_event_record(action="project.stopped", actor=actor, project=project, obj=project,
                       details={"reason": reason, "stopped_at": project.stopped_at.isoformat()})
    return project


@transaction.atomic
def project_start(*, project: Project, actor, reason) -> Project:
    reason = _reason(reason)
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    if project.stopped_at is None:
        raise Conflict(f"Project {project.slug!r} is not stopped.")
    details = {"reason": reason, "stopped_at": project.stopped_at.isoformat(), "stopped_role": project.stopped_role,
               "stop_reason": project.stop_reason}
    project.stopped_at, project.stopped_by, project.stopped_role, project.stop_reason = None, None, "", ""
    project.save(update_fields=["stopped_at", "stopped_by", "stopped_role", "stop_reason"])
    audit_event_record(action="project.started", actor=actor, project=project, obj=project, details=details)
    return project


def stopped_message(project: Project) -> str:
    at = project.stopped_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    return (f"Project {project.slug!r} is stopped by {project.stopped_role or 'an operator'} at {at}: "
            f"{project.stop_reason} An ML engineer or admin can start it again "
            f"(POST /api/v1/projects/{project.slug}/start/).")


def project_ensure_running(project: Project, *, status: int = STOPPED_STATUS) -> None:
    """Refuse anything the model would do for a stopped project: 503 for a prediction (the service is stopped),
    409 for a training request (it conflicts with the project's state)."""
    if project.stopped_at is not None:
        raise ApplicationError(stopped_message(project), status=status, extra={
            "stopped_at": project.stopped_at.isoformat(), "stopped_by_role": project.stopped_role})
