"""Schema-driven fuzzing (issue 8, "make the classes impossible"): schemathesis generates requests from
/api/v1/schema/ for every operation and sends them in-process to the WSGI app, as each role and as an outsider
(a user with roles but no membership), with every check on: no 5xx, responses, status codes, content types and
headers as the schema says. A fixed seed and a bounded number of examples per operation keep it to minutes.

Seeded data (a trained text project with predictions and feedback, a detection project with images) lets the
fuzzer reach real objects: each operation is fuzzed with generated path parameters and with the real ids.
Valid requests are sent as every role; invalid ones (wrong types, out-of-range numbers, missing fields: they must
get a documented 4xx) as the admin and the outsider. `FUZZ_EXAMPLES` (default 6) sets the examples per operation,
pass and role.
"""
import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, transaction
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from apps.core.tests.fixtures import create_project, train_inline
from apps.core.tests.images import shapes_image
from apps.feedback.services import feedback_submit
from apps.items.image_import import images_import
from apps.predictions.services import predictions_create
from apps.projects.services import project_create, project_member_add

pytestmark = pytest.mark.django_db
SEED = 20261129
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 6))
ROLES = ["annotator", "reviewer", "engineer", "auditor", "admin", "outsider"]

# Checks left out for now, each for a defect another helper is fixing (issue 8); remove once it has landed.
EXCLUDED: dict[tuple[str, str], str] = {}
# Operations that end the caller's own credentials run last, so that the rest are fuzzed while still logged in.
# Stopping a project (it stays stopped for the rest of the run) goes last too, so that predict and training are
# fuzzed on a running project; their 503/409 while stopped are tested in apps/projects/tests/test_stop_switch.py.
LAST = ("/api/v1/auth/logout/", "/api/v1/projects/{slug}/stop/")


def authorization_for(client_for, user) -> str:
    """The Authorization header of an API client for `user`, minted the way the shared fixtures mint tokens."""
    return client_for(user)._credentials["HTTP_AUTHORIZATION"]


@pytest.fixture
def in_process_requests():
    """The WSGI app in this test's transaction: Django must not close the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(users):
    """A trained text project with predictions and feedback, and a detection project with images and boxes."""
    members = [users[r] for r in ("annotator", "reviewer", "auditor", "admin")]
    text = create_project(slug="tickets", owner=users["engineer"], members=members, n_per_label=6)
    version = train_inline(text, users["engineer"])
    _, predictions = predictions_create(project=text, inputs=[{"text": "refund my invoice"}, {"text": "app crashed"}],
                                        actor=users["annotator"])
    feedback = feedback_submit(prediction=predictions[0], annotator=users["annotator"], verdict="correct",
                               label="technical", comment="wrong team")
    shapes = project_create(slug="shapes", name="Shapes", task="object_detection",
                            labels=["circle", "square", "triangle"], creator=users["engineer"])
    for member in members:
        project_member_add(project=shapes, user=member, actor=users["engineer"])
    images = [shapes_image(seed) for seed in range(3)]
    created = images_import(project=shapes, files=[(f"s{i}.png", data) for i, (data, _) in enumerate(images)],
                            boxes_by_name={f"s{i}.png": boxes for i, (_, boxes) in enumerate(images)},
                            actor=users["engineer"])
    run = text.training_runs.order_by("-id").first()
    ids = {"prediction_id": predictions[0].pk, "feedback_id": feedback.pk, "version_id": version.pk,
           "run_id": run.pk, "batch_id": 1}
    return [{"slug": "tickets", "item_id": predictions[0].item_id, **ids},
            {"slug": "shapes", "item_id": created["items"][0], **ids}]


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda op: (op.path in LAST, op.path, op.method))


# Every built-in check, with one change: schema-valid data may still be refused with 400 where the reason is not
# expressible in the schema (wrong credentials, a label the project does not have, a stale state). That check still
# fails for any other refusal (405, 413, 415: the schema documents a body or method the API does not take).
CONFIG = SchemathesisConfig.from_str('''
[checks]
enabled = true
positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
''')


def _fuzz(operation, mode: GenerationMode, authorization: str, path_parameters: dict | None) -> list[str]:
    """Send EXAMPLES generated requests; the failure (the first found per operation and pass) as readable text."""
    media_types = {alternative.media_type for alternative in operation.body}
    # Invalid bodies as JSON where the operation takes JSON: a negated multipart field (e.g. an empty label) may
    # not survive form encoding, and the check would then blame the API for accepting what it never received.
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    if mode == GenerationMode.NEGATIVE and "application/json" in media_types:
        strategy = strategy.filter(lambda case: case.media_type == "application/json")
    load_all_checks()
    excluded = CHECKS.get_by_names([name for (path, name) in EXCLUDED if path == operation.path])

    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                         print_blob=False, suppress_health_check=list(HealthCheck))
    @hypothesis.seed(SEED)
    @hypothesis.given(case=strategy)
    def run(case):
        savepoint = transaction.savepoint()
        response = case.call(headers={"Authorization": authorization})
        try:
            transaction.savepoint_commit(savepoint)
        except DatabaseError:  # a failed query aborted PostgreSQL's transaction: report this case, keep fuzzing
            transaction.savepoint_rollback(savepoint)
        case.validate_response(response, excluded_checks=excluded, headers={"Authorization": authorization})

    try:
        run()
    except hypothesis.errors.Unsatisfiable:  # negative mode: nothing in this operation can be made invalid
        return []
    except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported, not only the first
        return [f"{operation.method.upper()} {operation.path} {path_parameters or ''}: {type(exc).__name__}: {exc}"]
    return []


@pytest.mark.parametrize("role, mode", [(role, GenerationMode.POSITIVE) for role in ROLES] + [
    # Invalid requests (wrong types, out-of-range numbers, missing fields) must be refused with a documented 4xx:
    # as the admin, who passes every permission check, and as the outsider, who passes none.
    ("admin", GenerationMode.NEGATIVE), ("outsider", GenerationMode.NEGATIVE)])
def test_fuzz_every_operation_as(role, mode, seeded, users, client_for, in_process_requests):
    authorization = authorization_for(client_for, users[role])
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", in_process_requests, config=CONFIG,
                                            headers={"Authorization": authorization})
    failures = []
    for operation in _operations(schema):
        if os.environ.get("FUZZ_ONLY", "") not in operation.path:  # FUZZ_ONLY=/predict/: one operation, to debug
            continue
        names = {p.name for p in operation.path_parameters}
        passes = [None] + ([{k: v for k, v in real.items() if k in names} for real in seeded] if names else [])
        for path_parameters in passes:
            # a fresh token per pass: a fuzzed logout must not log the rest of the run out
            failures += _fuzz(operation, mode, authorization_for(client_for, users[role]), path_parameters)
    assert not failures, f"{len(failures)} failing operation(s) as {role} ({mode}):\n\n" + "\n\n".join(failures)
