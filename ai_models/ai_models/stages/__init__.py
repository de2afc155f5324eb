"""The training pipeline, one module per stage, shared by ``dvc repro`` and the platform's Celery training.

Every stage is a pure ``run(...)`` function (paths in, files out, a small dict back) plus a thin ``main(argv)``
for ``python -m ai_models.stages.<name> --params params.yaml ...``. Params are the parsed ``params.yaml`` dict;
the typed views come from :class:`ai_models.params.TextParams` / :class:`ai_models.object_detection.DetectionParams`.

Order and files (DVC workspace layout; the backend uses the same layout under its run folder)::

    data/raw/                    input, written by raw.write_raw (backend: collect_training_data)
      manifest.json              project, task, labels, content_hash, holdout_hash, counts, feedback_weight, champion
      train.jsonl, holdout.jsonl one JSON object per line, sorted by item_id
      images/<sha256>.<ext>      detection only
      champion/<weights>.pt      detection only, when the project has a champion
    data_formatting        -> data/formatted/{table.csv | data.yaml images/ labels/ holdout/}, summary.json
    kfold_data_formatting  -> data/kfold/folds.json
    kfold_model_training   -> data/kfold-work/fold-<i>/result.json, metrics/kfold.json, kfold_results.csv,
                              plots/kfold.csv
    model_training         -> models/final/{model.skops | model.pt}, train_summary.json
    evaluate               -> metrics/holdout.json (headline figures only), plots/evaluate/{per_class_f1.csv |
                              per_class_ap.csv, confusion_matrix.csv, champion_confusion_matrix.csv} and text
                              confusion_matrix.png (see evaluation_files)
    register               -> MLflow run + registered model version, models/final/registered.json

Modules are imported lazily by callers (``from ai_models.stages import evaluate``); importing this package
imports nothing heavy.
"""
