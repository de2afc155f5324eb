"""`manage.py learning_curve --task detection`: the options, the run, the result dict and its files.

Kept beside the command (apps/demo/management/commands/learning_curve.py), which hands detection runs over here;
the curves themselves are apps.demo.learning_curve_detection, their reading apps.demo.learning_curve_detection_report.
"""
import os
import time
from dataclasses import asdict, replace

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.demo import learning_curve_detection as lcd
from apps.demo import learning_curve_detection_report as report
from apps.demo.learning_curve import benchmark_users

QUICK = lcd.DetectionCurveConfig(seed_images=8, pool=16, holdout=6, per_round=4, rounds=2, epochs=1)
# the command's options that mean the same for both tasks, and the config field each sets
SHARED = (("pool", "pool"), ("holdout", "holdout"), ("per_round", "per_round"), ("rounds", "rounds"),
          ("seed", "seed"), ("k_folds", "k_folds"), ("seed_images", "seed_images"), ("epochs", "epochs"))


def detection_config(opts) -> lcd.DetectionCurveConfig:
    if opts.get("family"):
        raise CommandError("--family chooses a text model family; a detection run trains YOLO.")
    config = QUICK if opts["quick"] else lcd.DetectionCurveConfig()
    given = {name: opts[key] for name, key in SHARED if opts.get(key) is not None}
    chosen = tuple(opts["strategy"] or config.strategies)
    unknown = sorted(set(chosen) - set(lcd.DETECTION_STRATEGIES))
    if unknown:
        raise CommandError(f"Unknown strategy {', '.join(unknown)} for detection; it offers "
                           f"{', '.join(lcd.DETECTION_STRATEGIES)}.")
    config = replace(config, **given, strategies=chosen, prefix=opts["prefix"] or "lcd")
    if (config.rounds < 1 or config.per_round < 1 or config.k_folds < 2 or config.seed_images < 2 * config.k_folds
            or config.pool < config.rounds * config.per_round or (config.epochs is not None and config.epochs < 1)):
        raise CommandError("Need rounds >= 1, per-round >= 1, k-folds >= 2, epochs >= 1, at least 2 x k-folds seed "
                           "images, and a pool of at least rounds x per-round images.")
    return config


def detection_handle(command: BaseCommand, opts) -> None:
    from apps.demo.management.commands.learning_curve import command_line, git_commit, load, write_outputs
    from apps.training.pipeline import pipeline_params

    config = detection_config(opts)
    shapes = lcd.shapes_build(config)
    users = benchmark_users()
    started, wall, load_before = timezone.now(), time.perf_counter(), load()
    command.stdout.write(f"detection learning curve: {', '.join(config.strategies)}; {config.seed_images} seed "
                         f"images, pool {config.pool}, holdout {config.holdout}, {config.rounds} rounds of "
                         f"{config.per_round}, K={config.k_folds}; load {load_before}")

    def echo(curve) -> None:
        p = curve.points[-1]
        command.stdout.write(f"  {curve.strategy} round {p.round}: {p.labels} images, mAP50 {p.map50:.3f}, "
                             f"mAP50-95 {p.map50_95:.3f} (v{p.version} {p.decision}; {p.accepted} accepted, "
                             f"{p.corrected} corrected, {p.reviewed} reviewed; {p.seconds:.1f} s)")

    all_labels = lcd.detection_all_labels_run(config=config, shapes=shapes, users=users)
    command.stdout.write(f"all labels: mAP50 {all_labels['map50']:.3f}, mAP50-95 {all_labels['map50_95']:.3f} "
                         f"({all_labels['labels']} images, {all_labels['seconds']:.0f} s)")
    curves = []
    for strategy in config.strategies:
        curve = lcd.detection_curve_run(config=config, shapes=shapes, strategy=strategy, users=users, echo=echo)
        curves.append(lcd.detection_curve_as_dict(curve))
        command.stdout.write(f"{strategy}: done in {curve.seconds:.0f} s")
    params = pipeline_params()
    result = {
        "task": "object_detection", "command": command_line(),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": timezone.now().isoformat(timespec="seconds"), "wall_s": round(time.perf_counter() - wall, 1),
        "machine": {"cpus": os.cpu_count(), "load_before": load_before, "load_after": load()},
        "git_commit": git_commit(), "config": {**asdict(config), "strategies": list(config.strategies)},
        "params": {key: params.get(key) for key in ("EPOCHS", "BATCH_SIZE", "IMG_SIZE", "PATIENCE", "SEED")}
        | {"object_detection": params.get("object_detection", {})},
        "data": "ai_models.demo_images (synthetic shapes: circle, square, triangle; 1-4 per image)",
        "all_labels": all_labels, "curves": curves}
    result["summary"] = report.summarize(result)
    write_outputs(command, result, opts, name="learning-curve-detection", doc_image="learning-curve-detection.png",
                  report=report, doc_markers={"start": report.DOC_START, "end": report.DOC_END,
                                              "heading": report.HEADING})
