"""Per-run parameter overrides: a whitelisted, validated subset of params.yaml that one training run changes.

The API takes friendly names ({"k_folds": 3, "C": 0.5}); they land on the params.yaml keys the pipeline stages
read (K_FOLDS, text_classification.C, EPOCHS, ...), so a run with overrides trains exactly like `dvc repro` with
those values in params.yaml. Anything not listed here is refused, naming the key.
"""
import copy
from dataclasses import dataclass

from apps.core.exceptions import ApplicationError
from apps.projects.models import Task


@dataclass(frozen=True)
class Knob:
    path: tuple[str, ...]  # where it goes in params.yaml
    kind: type  # int or float
    low: float
    high: float | None  # None: no upper bound
    strictly_above_low: bool = False
    multiple_of: int | None = None

    def describe(self) -> str:
        kind = "a number" if self.kind is float else "an integer"
        if self.high is None:
            span = f"> {self.low:g}" if self.strictly_above_low else f"at least {self.low:g}"
        else:
            span = f"{self.low:g}–{self.high:g}"
        return f"{kind} {span}" + (f", a multiple of {self.multiple_of}" if self.multiple_of else "")


KNOBS: dict[str, dict[str, Knob]] = {
    Task.TEXT_CLASSIFICATION: {
        "k_folds": Knob(("K_FOLDS",), int, 2, 20),
        "C": Knob(("text_classification", "C"), float, 0, 1e6, strictly_above_low=True),
        "max_iter": Knob(("text_classification", "max_iter"), int, 10, 100_000),
    },
    Task.OBJECT_DETECTION: {
        "epochs": Knob(("EPOCHS",), int, 1, 500),
        "k_folds": Knob(("K_FOLDS",), int, 2, 20),
        "batch_size": Knob(("BATCH_SIZE",), int, 1, 256),
        "img_size": Knob(("IMG_SIZE",), int, 32, 1280, multiple_of=32),
        "patience": Knob(("PATIENCE",), int, 1, 500),
    },
}


def _check(name: str, knob: Knob, value) -> int | float:
    ok_type = isinstance(value, int) or (knob.kind is float and isinstance(value, float))
    if isinstance(value, bool) or not ok_type:
        raise ApplicationError(f"params.{name} must be {knob.describe()}, not {value!r}.")
    in_range = (value > knob.low if knob.strictly_above_low else value >= knob.low) and (
        knob.high is None or value <= knob.high)
    if not in_range or (knob.multiple_of and value % knob.multiple_of):
        raise ApplicationError(f"params.{name} must be {knob.describe()}, not {value!r}.")
    return knob.kind(value)


def training_overrides_validate(*, task: str, body) -> dict:
    """The validated overrides of a start-run request body ({} without a body or without "params")."""
    if body in (None, {}):
        return {}
    if not isinstance(body, dict):
        raise ApplicationError('Send {"params": {...}} as a JSON object, or no body.')
    unknown = sorted(set(body) - {"params"})
    if unknown:
        raise ApplicationError(f"Unknown field(s) {', '.join(unknown)}; the body takes only 'params'.")
    raw = body.get("params")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ApplicationError("params must be a JSON object of overrides.")
    knobs = KNOBS[task]
    unknown = sorted(set(raw) - set(knobs))
    if unknown:
        raise ApplicationError(f"params.{unknown[0]} cannot be overridden for a {task} project; "
                               f"allowed: {', '.join(knobs)}.", extra={"allowed": list(knobs)})
    return {name: _check(name, knobs[name], value) for name, value in raw.items()}


def params_with_overrides(*, params: dict, task: str, overrides: dict) -> dict:
    """params.yaml's dict with the overrides written where the stages read them (the input is not changed)."""
    merged = copy.deepcopy(params)
    for name, value in overrides.items():
        *sections, key = KNOBS[task][name].path
        target = merged
        for section in sections:
            target = target.setdefault(section, {})
        target[key] = value
    return merged
