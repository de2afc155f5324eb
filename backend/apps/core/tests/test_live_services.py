"""Live tests: a real Celery worker on Redis retrains; a real gunicorn picks up a new champion without a restart;
concurrent audit appends never fork the chain. They commit their data (worker processes must see it), so they run
last (see conftest) and use names of their own.
"""
import threading

import pytest
import requests
from django.db import connection, transaction

from apps.accounts.tokens import token_create
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import audit_event_record
from apps.core.tests.fixtures import create_project, make_user, tiny_texts, train_inline
from apps.feedback.services import feedback_submit
from apps.items.services import items_import
from apps.predictions.services import predictions_create
from apps.training.models import RunStatus, TrainingRun
from apps.training.services import training_run_start

from .live import free_port, http_ok, start, start_workers, stop, wait_for

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


@pytest.fixture(scope="module")
def live_users(committed):
    return {"engineer": make_user("live-eng", "ml_engineer"), "annotator": make_user("live-ann", "annotator")}


@pytest.fixture
def worker(committed, test_tmp):
    processes = start_workers(test_tmp, [{}])
    yield processes[0][1]
    for process, _ in processes:
        stop(process)


@pytest.fixture
def two_workers(committed, test_tmp):
    processes = start_workers(test_tmp, [{}, {}])
    yield processes[-1][1]
    for process, _ in processes:
        stop(process)


def finished_run(run_id: int):
    run = TrainingRun.objects.get(pk=run_id)
    return run if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED) else None


def test_celery_worker_retrains_on_request_and_on_feedback(live_users, worker):
    project = create_project(slug="live-celery", owner=live_users["engineer"], members=[live_users["annotator"]],
                             seed=11, retrain_min_feedback=2, require_approval=False)
    run = training_run_start(project=project, trigger="manual", actor=live_users["engineer"])  # sent after commit
    run = wait_for(lambda: finished_run(run.pk), timeout=180, what="the worker's training run", log=worker)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.model_version.status == "champion" and run.progress["stage"] == "done"

    _, predictions = predictions_create(project=project, inputs=[{"text": "qwerty flux one"},
                                                                 {"text": "qwerty flux two"}],
                                        actor=live_users["annotator"])
    for prediction in predictions:  # two corrections reach the project's retrain_min_feedback
        wrong = next(label for label in project.labels if label != prediction.label)
        feedback_submit(prediction=prediction, annotator=live_users["annotator"], verdict="correct", label=wrong)
    auto = wait_for(lambda: TrainingRun.objects.filter(project=project, trigger="feedback_threshold").first(),
                    timeout=60, what="the retrain started by feedback", log=worker)
    auto = wait_for(lambda: finished_run(auto.pk), timeout=180, what="the feedback-triggered run", log=worker)
    assert auto.status == RunStatus.SUCCEEDED, auto.error
    assert auto.model_version.number == 2
    assert auto.dataset_version.counts["from_feedback"] == 2


def test_folds_run_as_a_group_across_workers(live_users, two_workers):
    project = create_project(slug="live-group", owner=live_users["engineer"], seed=14, n_per_label=16)
    run = training_run_start(project=project, trigger="manual", actor=live_users["engineer"])
    run = wait_for(lambda: finished_run(run.pk), timeout=240, what="the grouped run", log=two_workers)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.kfold["k"] == 2 and len(run.kfold["folds"]) == 2
    assert len(set(run.kfold["workers"])) == 2  # one fold on each worker


def test_serving_process_picks_up_a_new_champion_without_restart(live_users, test_tmp):
    project = create_project(slug="live-serving", owner=live_users["engineer"], members=[live_users["annotator"]],
                             seed=12)
    first = train_inline(project, live_users["engineer"])
    port, log = free_port(), test_tmp / "gunicorn.log"
    server = start(["gunicorn", "config.asgi:application", "-k", "uvicorn_worker.UvicornWorker", "--bind",
                    f"127.0.0.1:{port}", "--workers", "2"], log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: http_ok(f"{base}/healthz"), timeout=60, what="gunicorn", log=log)
        annotator = {"Authorization": f"Token {token_create(user=live_users['annotator'])}"}
        engineer = {"Authorization": f"Token {token_create(user=live_users['engineer'])}"}

        def served_versions() -> set[int]:
            return {requests.post(f"{base}/api/v1/projects/live-serving/predict/", json={"text": f"invoice {i}"},
                                  headers=annotator, timeout=30).json()["model_version"] for i in range(6)}

        assert served_versions() == {first.number}
        items_import(project=project, rows=tiny_texts(30, seed=13), actor=live_users["engineer"])
        second = train_inline(project, live_users["engineer"])
        promoted = requests.post(f"{base}/api/v1/model-versions/{second.pk}/promote/",
                                 json={"reason": "live test"}, headers=engineer, timeout=30)
        assert promoted.status_code == 200, promoted.text
        assert served_versions() == {second.number}  # every worker process, no restart
        rolled = requests.post(f"{base}/api/v1/projects/live-serving/rollback/", json={}, headers=engineer, timeout=30)
        assert rolled.status_code == 200 and served_versions() == {first.number}
    finally:
        stop(server)


def test_concurrent_audit_appends_never_fork_the_chain(committed):
    before = AuditEvent.objects.count()
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(20):
                with transaction.atomic():
                    audit_event_record(action="test.concurrent", object_type="thread", object_id=f"{n}-{i}")
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert AuditEvent.objects.count() == before + 120
    report = audit_chain_verify()
    assert report.ok, report
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
