"""The reference server: what a team would write in an afternoon instead of using the platform.

FastAPI under uvicorn (2 workers), loading the champion's scikit-learn pipeline from the same model folder the
platform serves (HITL_BENCH_MODEL_DIR, the MLflow model folder under VAR_DIR/model-cache), answering
POST /predict {"text": ...} with the label and probabilities. No authentication, no database, nothing logged.
GET /ping answers {} without touching the model: the load generator's own cost is measured against it.
"""
import os

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
_model = None


def _load():
    global _model
    if _model is None:
        import mlflow.sklearn

        _model = mlflow.sklearn.load_model(os.environ["HITL_BENCH_MODEL_DIR"])
    return _model


class TextIn(BaseModel):
    text: str


@app.on_event("startup")
def _startup() -> None:
    _load()


@app.post("/predict")
def predict(body: TextIn) -> dict:
    model = _load()
    proba = model.predict_proba([body.text])[0]
    classes = [str(c) for c in model.classes_]
    best = int(proba.argmax())
    return {"label": classes[best], "probabilities": {c: float(p) for c, p in zip(classes, proba, strict=False)}}


@app.get("/ping")
def ping() -> dict:
    return {}
