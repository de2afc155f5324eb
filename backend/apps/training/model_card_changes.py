"""What changed between a model version and the one numbered before it (Annex IV 2(f), 3): reads only.

Metrics (holdout headline and per-class F1 or AP), data (dataset version, items added and removed, examples per
label, the provenance mix) and parameters (every params.yaml value that differs). Computed when the card is read,
from both versions' stored records, so versions registered before this existed get it too.
"""
from .models import ModelVersion

HEADLINE = ("accuracy", "f1_macro", "map50", "map50_95", "n")


def _flatten(params: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in (params or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _delta(new, old):
    if isinstance(new, (int, float)) and isinstance(old, (int, float)) and not isinstance(new, bool):
        return round(new - old, 6)
    return None


def _metrics(new: dict, old: dict) -> list[dict]:
    rows = [{"metric": k, "previous": old.get(k), "this": new.get(k), "delta": _delta(new.get(k), old.get(k))}
            for k in HEADLINE if k in new or k in old]
    new_pc, old_pc = new.get("per_class") or {}, old.get("per_class") or {}
    for label in [*new_pc, *[x for x in old_pc if x not in new_pc]]:
        for score in ("f1", "ap50_95"):
            a, b = (new_pc.get(label) or {}).get(score), (old_pc.get(label) or {}).get(score)
            if a is not None or b is not None:
                rows.append({"metric": f"{score} [{label}]", "previous": b, "this": a, "delta": _delta(a, b)})
    return rows


def _dataset(version: ModelVersion):
    return version.training_run.dataset_version if version.training_run_id else None


def _data(new: ModelVersion, old: ModelVersion) -> dict:
    new_ds, old_ds = _dataset(new), _dataset(old)
    if new_ds is None or old_ds is None:
        return {"note": "not recorded: a dataset version is missing"}
    out = {"dataset_version": {"previous": old_ds.pk, "this": new_ds.pk}, "same_dataset": new_ds.pk == old_ds.pk}
    new_ids, old_ids = {r[0] for r in new_ds.manifest}, {r[0] for r in old_ds.manifest}
    out["items_added"], out["items_removed"] = len(new_ids - old_ids), len(old_ids - new_ids)
    changed = {r[0] for r in new_ds.manifest} & old_ids
    old_labels = {r[0]: r[1] for r in old_ds.manifest}
    out["items_relabelled"] = sum(1 for r in new_ds.manifest if r[0] in changed and r[1] != old_labels[r[0]])
    new_pl, old_pl = (new_ds.counts or {}).get("per_label", {}), (old_ds.counts or {}).get("per_label", {})
    out["per_label"] = [{"label": label, "previous": old_pl.get(label, 0), "this": new_pl.get(label, 0),
                         "delta": new_pl.get(label, 0) - old_pl.get(label, 0)} for label in {**old_pl, **new_pl}]
    new_prov = ((new.model_card.get("data") or {}).get("provenance")) or None
    old_prov = ((old.model_card.get("data") or {}).get("provenance")) or None
    if new_prov and old_prov:
        out["provenance"] = [{"kind": k, "previous": old_prov.get(k, 0), "this": new_prov.get(k, 0),
                              "delta": new_prov.get(k, 0) - old_prov.get(k, 0)} for k in new_prov]
    return out


def _params(new: ModelVersion, old: ModelVersion) -> list[dict]:
    a = _flatten(new.training_run.params if new.training_run_id else {})
    b = _flatten(old.training_run.params if old.training_run_id else {})
    return [{"parameter": key, "previous": b.get(key), "this": a.get(key)}
            for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]


def model_card_changes(*, model_version: ModelVersion) -> dict | None:
    """None for a project's first version."""
    previous = (ModelVersion.objects.filter(project_id=model_version.project_id, number__lt=model_version.number)
                .select_related("training_run__dataset_version").order_by("-number").first())
    if previous is None:
        return None
    return {"previous_version": previous.number, "previous_status": previous.status,
            "metrics": _metrics(model_version.metrics, previous.metrics), "data": _data(model_version, previous),
            "params": _params(model_version, previous)}
