"""The model card as a document: its sections, in one neutral form that model_card_render writes as Markdown or HTML.

A block is ("h", level, text), ("p", [text or ("b", text), ...]), ("table", header, rows) or ("list", items).
Cards of versions registered before a field was recorded say "not recorded" for it, never fail.
"""
import json

NR = "not recorded"
COLUMN_ORDER = ["precision", "recall", "f1", "support", "ap50", "ap50_95"]
PROVENANCE_NAMES = {"imported": "imported label", "labelled": "labelled by a person (no model's suggestion)",
                    "human_corrected": "corrected by a person",
                    "accepted_as_is": "prediction accepted as is", "reviewed": "decided by a second reviewer"}


def _h(level: int, text: str) -> tuple:
    return ("h", level, text)


def _p(*parts) -> tuple:
    return ("p", list(parts))


def _pairs(mapping: dict) -> tuple:
    return ("table", ["field", "value"], [[("b", str(k)), NR if v is None or v == "" else v] for k, v in mapping.items()])


def _flatten(params: dict, prefix: str = "") -> list[list]:
    rows = []
    for key, value in sorted((params or {}).items()):
        if isinstance(value, dict):
            rows += _flatten(value, f"{prefix}{key}.")
        else:
            rows.append([f"{prefix}{key}", value])
    return rows


def _model(doc: dict) -> list:
    model = doc.get("model") or {}
    return [_h(2, "Model"), _pairs({k: model.get(k) for k in (
        "project", "version", "task", "algorithm", "encoder", "encoder_fingerprint", "registered_model", "mlflow_run_id",
        "mlflow_tracking_uri") if k in model or k not in ("encoder", "encoder_fingerprint")}
        | {"artifact_sha256": doc["integrity"]["artifact_sha256"]})]


def _intended_use(doc: dict) -> list:
    use = doc.get("intended_use") or {}
    labels = use.get("labels")
    return [_h(2, "Intended use"), _pairs({"purpose": use.get("purpose"), "lawful basis": use.get("lawful_basis"),
                                          "task": use.get("task") or (doc.get("model") or {}).get("task"),
                                          "labels": ", ".join(labels) if labels else None}),
            _p("Instructions for use: the model suggests a label (or boxes) with a confidence for each input; people "
               "accept or correct every suggestion in the review queue, and the answer, not the suggestion, is what "
               "the project keeps. Inputs outside the labels above are forced into one of them.")]


def _data(doc: dict) -> list:
    data = doc.get("data") or {}
    out = [_h(2, "Data"), _pairs({k: data.get(k) for k in ("dataset_version", "content_hash", "holdout_size",
                                                           "holdout_hash", "feedback_weight")})]
    counts = data.get("counts") or {}
    if counts:
        out += [_p(f"Training examples: {counts.get('total', '?')}, of which {counts.get('from_feedback', '?')} "
                   "answered or labelled by people in the app (the rest: imported labels)."),
                ("table", ["label", "examples"], [[k, v] for k, v in (counts.get("per_label") or {}).items()])]
    else:
        out.append(_p(f"Examples per label: {NR}."))
    sources = data.get("sources")
    out += [_h(3, "Sources"), ("table", ["source", "examples"], [[k, v] for k, v in sources.items()])
            if sources else _p(f"Sources of the training items: {NR}.")]
    out += [_h(3, "Labelling procedure"), _p(data.get("labelling_procedure") or f"Labelling procedure: {NR}.")]
    provenance = data.get("provenance")
    out.append(_h(3, "Provenance of training labels"))
    if provenance:
        total = sum(provenance.values()) or 1
        out.append(("table", ["provenance", "examples", "share"],
                    [[PROVENANCE_NAMES.get(k, k), n, f"{100 * n / total:.1f}%"] for k, n in provenance.items()]))
    else:
        out.append(_p(f"Provenance mix of the training labels: {NR}."))
    out += _feedback_loop(data)
    out.append(_h(3, "Erased data"))
    erased = doc.get("erased_data")
    if erased:
        out += [_p(("b", "Trained on erased data"), ": items of this version's training set were erased afterwards "
                   "(GDPR Art. 17). The model may still reflect them; a retraining without them was queued."),
                ("table", ["erasure", "erased at", "dataset version", "items"],
                 [[e["erasure"], e["erased_at"], e["dataset_version"], e["items"]] for e in erased])]
    else:
        out.append(_p("No item of this version's training set has been erased." if "erased_data" in doc
                      else f"Erasures: {NR}."))
    return out


def _feedback_loop(data: dict) -> list:
    """The cap on unreviewed accepts and the gold measure (AI Act Art. 15(4)); "not recorded" on older cards."""
    out = [_h(3, "Cap on unreviewed accepts")]
    cap = data.get("accept_cap")
    if not cap:
        out.append(_p(f"Cap on unreviewed accept-as-is labels: {NR}."))
    elif cap.get("cap") is None:
        out.append(_p(f"No cap: all {cap.get('unreviewed_accepts', 0)} unreviewed accept-as-is labels trained."))
    else:
        out.append(_p(f"Unreviewed accept-as-is labels may be at most {cap['cap']:g} of the training labels; "
                      f"{cap.get('rows', 0)} of {cap.get('unreviewed_accepts', 0)} were held back from this version."))
    out.append(_h(3, "Gold items"))
    gold = data.get("gold")
    if not gold:
        out.append(_p(f"Gold items: {NR}."))
        return out
    agreement = "-" if gold.get("agreement") is None else f"{100 * gold['agreement']:.1f}%"
    out.append(_p(f"{gold.get('items', 0)} gold items (trusted labels mixed unseen into annotators' queues; "
                  f"{data.get('gold_excluded') or 0} left out of this version's training data). Up to this version's "
                  f"dataset: {gold.get('answers', 0)} answers to them by {gold.get('annotators', 0)} annotators, "
                  f"{agreement} agreeing with the trusted label."))
    return out


def _training(doc: dict) -> list:
    training = doc.get("training") or {}
    out = [_h(2, "Training"), _h(3, "Design"), _p((doc.get("model") or {}).get("algorithm") or NR),
           _h(3, "Parameters")]
    params = _flatten(training.get("params") or {})
    out.append(("table", ["parameter", "value"], params) if params else _p(f"Parameters: {NR}."))
    kfold = training.get("kfold") or {}
    if kfold.get("k"):
        mean, std = kfold.get("mean", {}), kfold.get("std", {})
        out += [_h(3, f"{kfold['k']}-fold cross-validation"),
                ("table", ["metric", "mean", "std"], [[key, mean[key], std.get(key)] for key in mean]),
                _p("Per-class scores per fold: not recorded (the folds keep headline metrics only).")]
    elif kfold.get("skipped"):
        out.append(_p(f"Cross-validation skipped: {kfold['skipped']}"))
    else:
        out.append(_p(f"Cross-validation: {NR}."))
    return out


def _evaluation(doc: dict) -> list:
    evaluation = doc.get("evaluation") or {}
    headline = {k: v for k, v in evaluation.items() if k in ("accuracy", "f1_macro", "map50", "map50_95", "n")}
    out = [_h(2, "Evaluation"), _p("Measured on the project's fixed holdout (the same items for every version)."),
           _pairs(headline) if headline else _p("No holdout metrics.")]
    per_class = evaluation.get("per_class") or {}
    if per_class:
        columns = sorted({key for scores in per_class.values() for key in scores},
                         key=lambda k: (COLUMN_ORDER.index(k) if k in COLUMN_ORDER else len(COLUMN_ORDER), k))
        out += [_h(3, "Per class"), ("table", ["label", *columns],
                                     [[label, *(scores.get(c) for c in columns)] for label, scores in per_class.items()])]
    out.append(_h(3, "Confusion matrix"))
    confusion = evaluation.get("confusion_matrix")
    if confusion and confusion.get("labels"):
        labels = confusion["labels"]
        rows = [[label, *row] for label, row in zip(labels, confusion["matrix"], strict=False)]
        unit = ("holdout boxes, predicted at the serving threshold and matched to true boxes at IoU ≥ "
                f"{confusion.get('min_iou')} whatever their labels; background: a true box missed (column) or a box "
                "with nothing there (row)" if confusion.get("unit") == "boxes" else "holdout items")
        out += [_p(f"Rows: true label; columns: predicted label; {unit}."),
                ("table", ["true ↓ / predicted →", *labels], rows)]
    else:
        out.append(_p("Confusion matrix: " + (evaluation.get("confusion_matrix_note") or NR) + "."))
    return out


def _changes(doc: dict) -> list:
    changes = doc.get("changes")
    out = [_h(2, "Changes since the previous version")]
    if changes is None:
        return out + [_p("The project's first version: nothing to compare with.")]
    out += [_p(f"Compared with v{changes['previous_version']} ({changes['previous_status']})."), _h(3, "Metrics"),
            ("table", ["metric", "previous", "this", "delta"],
             [[r["metric"], r["previous"], r["this"], r["delta"]] for r in changes["metrics"]]), _h(3, "Data")]
    data = changes["data"]
    if "note" in data:
        out.append(_p(data["note"]))
    else:
        out += [_pairs({"dataset version": f"{data['dataset_version']['previous']} → {data['dataset_version']['this']}",
                        "items added": data["items_added"], "items removed": data["items_removed"],
                        "items relabelled": data["items_relabelled"]}),
                ("table", ["label", "previous", "this", "delta"],
                 [[r["label"], r["previous"], r["this"], r["delta"]] for r in data["per_label"]])]
        if data.get("provenance"):
            out.append(("table", ["provenance", "previous", "this", "delta"],
                        [[PROVENANCE_NAMES.get(r["kind"], r["kind"]), r["previous"], r["this"], r["delta"]]
                         for r in data["provenance"]]))
    out.append(_h(3, "Parameters"))
    out.append(("table", ["parameter", "previous", "this"], [[r["parameter"], r["previous"], r["this"]]
                                                             for r in changes["params"]])
               if changes["params"] else _p("No parameter changed."))
    return out


def _gate_and_approval(doc: dict) -> list:
    life = doc["lifecycle"]
    gate = dict(life.get("gate") or {})
    envelope = gate.pop("envelope", None)
    out = [_h(2, "Promotion gate"), _pairs(gate) if gate else _p("No gate decision recorded.")]
    if envelope is not None:
        outside = envelope.get("outside") or []
        out.append(_p("Envelope of pre-determined changes: " + ("inside." if not outside else "outside: ")))
        if outside:
            out.append(("list", outside))
    if life["approved_by"]:
        approver = life["approved_by"]
    elif life["promoted_at"]:
        approver = "nobody: promoted automatically (the project does not require approval)"
    else:
        approver = "not approved: never promoted"
    out += [_h(2, "Approval"), _pairs({"status": life["status"], "approved by": approver,
                                       "promoted at": life["promoted_at"], "reason": life["promotion_reason"],
                                       "rolled back at": life["rolled_back_at"], "registered at": life["created_at"]})]
    decisions = doc.get("decisions")
    if decisions:
        out += [_p("Decisions in the audit log (seq is the event's place in the hash chain):"),
                ("table", ["seq", "time", "action", "by role", "reason or decision"],
                 [[d["seq"], d["at"], d["action"], d["actor_role"], d["detail"]] for d in decisions])]
    return out


def _lineage(doc: dict) -> list:
    model, lineage = doc.get("model") or {}, doc.get("lineage") or {}
    out = [_h(2, "Lineage"), _pairs({"MLflow run": model.get("mlflow_run_id"),
                                     "MLflow registered model / version": model.get("registered_model"),
                                     "git commit": lineage.get("git_commit"), "git dirty": lineage.get("git_dirty"),
                                     "dataset hash (MLflow tag)": lineage.get("dataset_hash")})]
    dvc = lineage.get("dvc_lock")
    out.append(("table", ["dvc.lock stage", "md5 of its lock entry"], [[k, v] for k, v in dvc.items()]) if dvc else
               _p(f"dvc.lock hashes: {NR} (there was no dvc.lock where the register stage ran: runs of the platform's "
                 "Celery pipeline have none; `dvc repro` runs record one md5 per stage)."))
    return out


def model_card_sections(doc: dict) -> list:
    model, life = doc.get("model") or {}, doc["lifecycle"]
    status = [("b", life["status"])]
    if life["promoted_at"]:
        status.append(f", promoted {life['promoted_at']}")
    if life["approved_by"]:
        status.append(f" by {life['approved_by']}")
    if life["promotion_reason"]:
        status.append(f" ({life['promotion_reason']})")
    if life["rolled_back_at"]:
        status.append(f"; rolled back {life['rolled_back_at']}")
    oversight = doc.get("human_oversight")
    blocks = [_h(1, f"Model card: {model.get('project', '?')} v{model.get('version', '?')}"),
              _p("Technical documentation of one model version (EU AI Act Art. 11 and Annex IV; instructions for use, "
                 "Art. 13)."), _p("Status: ", *status, ".")]
    for part in (_model, _intended_use, _data, _training, _evaluation, _changes, _gate_and_approval, _lineage):
        blocks += part(doc)
    blocks += [_h(2, "Limitations"), ("list", doc.get("limitations") or [NR]), _h(2, "Human oversight"),
               ("list", oversight) if isinstance(oversight, list) else _p(str(oversight or NR))]
    return blocks


def cell_text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
