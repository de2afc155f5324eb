"""What the detection learning curve concludes, and how it is shown: labels to 90 % of the all-labels mAP50, least
confident against random round by round, the markdown for docs/learning.md's "Detection learning curve" section and
the plot (matplotlib, Agg).

Pure functions of the benchmark's result dict (apps.demo.learning_curve_detection writes it), so they are tested
without training anything.
"""
from pathlib import Path

from .learning_curve_report import labels_to_reach

DOC_START = ("<!-- learning-curve-detection:start (written by `make learning-curve-detection`; edits between the "
             "markers are replaced) -->")
DOC_END = "<!-- learning-curve-detection:end -->"
HEADING = "Detection learning curve"
SHARE_OF_CEILING = 0.9
METRICS = ("map50", "map50_95")


def summarize(result: dict) -> dict:
    """Per curve: final metrics and images to 90 % of the all-labels mAP50; a strategy against random."""
    ceiling = result["all_labels"]["map50"]
    rows = []
    for curve in result["curves"]:
        last = curve["points"][-1]
        rows.append({"strategy": curve["strategy"], "final_labels": last["labels"], "final_map50": last["map50"],
                     "final_map50_95": last["map50_95"],
                     "labels_to_90pct": labels_to_reach(curve["points"], SHARE_OF_CEILING * ceiling, "map50"),
                     "seconds": curve["seconds"]})
    return {"rows": rows, "versus_random": versus_random(result["curves"])}


def versus_random(curves: list[dict]) -> dict:
    """Per other strategy: its mAP50 minus random's at each round both have (after round 0, where both are the seed
    model's), how many rounds it is ahead, and the images it needs to reach random's final mAP50."""
    by = {c["strategy"]: c for c in curves}
    baseline = by.get("random")
    if baseline is None:
        return {}
    goal, budget = baseline["points"][-1]["map50"], baseline["points"][-1]["labels"]
    out = {}
    for strategy, curve in sorted(by.items()):
        if strategy == "random":
            continue
        pairs = [(p, q) for p, q in zip(curve["points"], baseline["points"], strict=False) if p["round"] > 0]
        deltas = [round(p["map50"] - q["map50"], 4) for p, q in pairs]
        reach = labels_to_reach(curve["points"], goal, "map50")
        out[strategy] = {"delta_map50_per_round": deltas, "rounds_ahead": sum(d > 0 for d in deltas),
                         "rounds_compared": len(deltas), "mean_delta_map50": round(sum(deltas) / len(deltas), 4)
                         if deltas else None, "random_final_map50": goal, "random_final_labels": budget,
                         "labels_to_reach_random_final": reach,
                         "share_of_random_labels": round(reach / budget, 3) if reach else None}
    return out


def _fmt(value) -> str:
    return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def markdown(result: dict, summary: dict, *, plot_path: str | None) -> str:
    """The section's body: setup, the per-round table, the summary, least confident against random."""
    config, out = result["config"], []
    out.append(f"Run {result['finished_at']} at commit {result.get('git_commit') or 'unknown'} with "
               f"`{result['command']}`: {result['wall_s']:.0f} s wall on {result['machine']['cpus']} CPU cores "
               f"(load average {result['machine']['load_before']} before, {result['machine']['load_after']} after).")
    out.append("")
    epochs = config["epochs"] or f"params.yaml's {result['params']['EPOCHS']}"
    out.append(f"Generated shapes at {config['image_size']} px (generator seed {config['seed']}): {config['pool']} "
               f"pool images imported without boxes, {config['seed_images']} seed images with their boxes, a fixed "
               f"holdout of {config['holdout']}; {config['rounds']} rounds of {config['per_round']} answered images; "
               f"YOLO with {epochs} epochs per run, batch {result['params']['BATCH_SIZE']}, image size "
               f"{result['params']['IMG_SIZE']}, patience {result['params']['PATIENCE']}, k-fold K={config['k_folds']}; "
               "every candidate promoted (min_improvement -1, no approval), so each round fine-tunes the newest model.")
    if plot_path:
        out += ["", f"![detection learning curve]({plot_path})"]
    axis = sorted({p["labels"] for c in result["curves"] for p in c["points"]})
    out += ["", "Holdout mAP50 / mAP50-95 against the number of labelled images (answers: accepted / corrected / "
            "second-reviewed):", "", "| strategy | " + " | ".join(str(n) for n in axis) + " |",
            "|---|" + "---|" * len(axis)]
    for curve in result["curves"]:
        cells = {p["labels"]: f"{p['map50']:.3f} / {p['map50_95']:.3f}"
                 + (f" ({p['accepted']}/{p['corrected']}/{p['reviewed']})" if p["round"] else "")
                 for p in curve["points"]}
        out.append(f"| {curve['strategy']} | " + " | ".join(cells.get(n, "") for n in axis) + " |")
    ceiling = result["all_labels"]
    out += ["", "| strategy | images | final mAP50 | final mAP50-95 | images to 90 % of all-labels mAP50 | "
            "curve time, s |", "|---|---|---|---|---|---|"]
    for row in summary["rows"]:
        reach = row["labels_to_90pct"]
        reach_text = f"> {row['final_labels']} (not reached)" if reach is None else str(reach)
        out.append(f"| {row['strategy']} | {row['final_labels']} | {_fmt(row['final_map50'])} | "
                   f"{_fmt(row['final_map50_95'])} | {reach_text} | {row['seconds']:.0f} |")
    out += ["", f"All labels (all {ceiling['labels']} seed and pool images with their true boxes, one training run "
            f"from scratch through the same service): mAP50 {ceiling['map50']:.3f}, mAP50-95 "
            f"{ceiling['map50_95']:.3f} ({ceiling['seconds']:.0f} s)."]
    out += ["", *_versus_text(summary["versus_random"])]
    return "\n".join(out)


def _versus_text(versus: dict) -> list[str]:
    if not versus:
        return ["Against random: not measured (no random curve in this run)."]
    lines = []
    for strategy, v in sorted(versus.items()):
        deltas = ", ".join(f"{d:+.3f}" for d in v["delta_map50_per_round"])
        reach = (f"reaches random's final mAP50 {v['random_final_map50']:.3f} with {v['labels_to_reach_random_final']}"
                 f" of random's {v['random_final_labels']} images ({v['share_of_random_labels']:.0%})"
                 if v["labels_to_reach_random_final"] else
                 f"never reaches random's final mAP50 {v['random_final_map50']:.3f}")
        lines.append(f"* {strategy} − random, mAP50 per round: {deltas or 'no rounds'} (ahead in "
                     f"{v['rounds_ahead']} of {v['rounds_compared']}); {strategy} {reach}.")
    return lines


def plot(result: dict, path: Path) -> Path:
    """mAP50 and mAP50-95 against labelled images, one colour per strategy, the all-labels run dotted."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4.5), dpi=110)
    colours = {s: f"C{i}" for i, s in enumerate(sorted({c["strategy"] for c in result["curves"]}))}
    for index, metric in enumerate(METRICS):
        axes = figure.add_subplot(1, 2, index + 1)
        for curve in result["curves"]:
            axes.plot([p["labels"] for p in curve["points"]], [p[metric] for p in curve["points"]], marker="o",
                      markersize=3, color=colours[curve["strategy"]], label=curve["strategy"])
        ceiling = result["all_labels"]
        axes.axhline(ceiling[metric], linestyle=":", color="grey", linewidth=1)
        axes.annotate(f"all {ceiling['labels']} labels, one run", (0, ceiling[metric]),
                      xycoords=("axes fraction", "data"), xytext=(4, 2), textcoords="offset points", fontsize=7,
                      color="dimgray")
        axes.set_xlabel("labelled images (seed + answers)")
        axes.set_ylabel(f"holdout {metric.replace('map', 'mAP').replace('_', '-')}")
        axes.set_ylim(0, 1)
        axes.grid(alpha=0.3)
        axes.legend(loc="lower right", fontsize=8)
    figure.suptitle("Detection learning curve: queue strategy on generated shapes (demo-shapes' generator)")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
