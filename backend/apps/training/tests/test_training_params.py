"""Training runs with parameter overrides: whitelisted, validated, and really used by the pipeline."""
import pytest

from apps.audit.models import AuditEvent
from apps.projects.services import project_create, project_member_add
from apps.training.ml import load_model_version
from apps.training.models import TrainingRun
from apps.training.services import training_run_execute

pytestmark = pytest.mark.django_db


def start(api, body=None, slug="tickets"):
    return api.post(f"/api/v1/projects/{slug}/training-runs/", body, format="json")


def test_text_overrides_are_used_and_shown(project, users, client_for):
    api = client_for(users["engineer"])
    response = start(api, {"params": {"k_folds": 3, "C": 0.5, "max_iter": 300}})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["overrides"] == {"k_folds": 3, "C": 0.5, "max_iter": 300}
    assert body["params"]["K_FOLDS"] == 3 and body["params"]["SEED"] == 42  # the rest is params.yaml's
    # the project's model family (Project.text_model) is part of every text run's params
    assert body["params"]["text_classification"] == {"C": 0.5, "max_iter": 300, "model": "tfidf_lr"}
    event = AuditEvent.objects.get(action="training.requested", object_id=str(body["id"]))
    assert event.details["overrides"] == body["overrides"]

    run = training_run_execute(run_id=body["id"])
    assert run.kfold["k"] == 3 and len(run.kfold["folds"]) == 3  # three folds, not params.yaml's two
    classifier = load_model_version(run.model_version).steps[-1][1]
    assert (classifier.C, classifier.max_iter) == (0.5, 300)
    assert run.params["K_FOLDS"] == 3 and run.model_version.model_card["training"]["params"]["K_FOLDS"] == 3


def test_no_body_trains_with_params_yaml(project, users, client_for):
    body = start(client_for(users["engineer"])).json()
    assert body["overrides"] == {} and body["params"]["K_FOLDS"] == 2
    assert body["params"]["text_classification"] == {"C": 4.0, "max_iter": 500, "model": "tfidf_lr"}


@pytest.mark.parametrize("body, named", [
    ({"params": {"k_folds": 1}}, "k_folds"),
    ({"params": {"k_folds": 21}}, "k_folds"),
    ({"params": {"k_folds": 3.0}}, "k_folds"),
    ({"params": {"k_folds": True}}, "k_folds"),
    ({"params": {"C": 0}}, "C"),
    ({"params": {"C": "big"}}, "C"),
    ({"params": {"max_iter": 5}}, "max_iter"),
    ({"params": {"epochs": 3}}, "epochs"),  # a detection knob in a text project
    ({"params": {"ngram_max": 3}}, "ngram_max"),
    ({"params": [1]}, "params"),
    ({"parameters": {"C": 1}}, "parameters"),
])
def test_bad_overrides_are_400_naming_the_key_and_start_nothing(project, users, client_for, body, named):
    response = start(client_for(users["engineer"]), body)
    assert response.status_code == 400 and named in response.json()["detail"], response.content
    assert not TrainingRun.objects.exists() and not AuditEvent.objects.filter(action="training.requested").exists()


@pytest.fixture
def shapes(users):
    project = project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square"],
                             creator=users["engineer"])
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    return project


def test_detection_overrides(shapes, users, client_for):
    api = client_for(users["engineer"])
    for bad, named in (({"img_size": 100}, "img_size"), ({"img_size": 1312}, "img_size"), ({"epochs": 0}, "epochs"),
                       ({"epochs": 501}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"patience": 0}, "patience"),
                       ({"C": 1.0}, "C")):
        response = start(api, {"params": bad}, slug="shapes")
        assert response.status_code == 400 and named in response.json()["detail"], (bad, response.content)
    response = start(api, {"params": {"epochs": 3, "k_folds": 3, "batch_size": 2, "img_size": 96, "patience": 2}},
                     slug="shapes")
    assert response.status_code == 202, response.content
    params = response.json()["params"]
    assert (params["EPOCHS"], params["K_FOLDS"], params["BATCH_SIZE"], params["IMG_SIZE"], params["PATIENCE"]) == (
        3, 3, 2, 96, 2)
    assert params["object_detection"]["model"] == "yolo11n.yaml"  # untouched keys stay


def test_detection_overrides_train_and_serve_at_their_values(users, client_for):
    import json

    from apps.training.ml_detection import serving_img_size
    from apps.training.pipeline import run_paths
    from apps.training.tests.test_detection_training import make_detection_project

    project = make_detection_project(users, slug="shapes-params", n=8, holdout=2)
    response = start(client_for(users["engineer"]), {"params": {"epochs": 2, "img_size": 96, "k_folds": 2}},
                     slug="shapes-params")
    assert response.status_code == 202, response.content
    run = training_run_execute(run_id=response.json()["id"])
    summary = json.loads((run_paths(run.pk).model / "train_summary.json").read_text())
    assert summary["params"]["EPOCHS"] == 2 and summary["params"]["IMG_SIZE"] == 96 and summary["epochs"] == 2
    assert serving_img_size(run.model_version) == 96  # served at the size it was trained at, not params.yaml's 64
    assert project.model_versions.get().status == "champion"
