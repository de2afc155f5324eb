"""What the learning-curve benchmark concludes, and how it is shown: labels to 90 % of the all-labels accuracy, the
issue's two targets, the markdown table for docs/learning.md and the plot (matplotlib, Agg).

Pure functions of the benchmark's result dict (apps.demo.learning_curve writes it), so they are tested without
training anything.
"""
from pathlib import Path

DOC_START = "<!-- learning-curve:start (written by `make learning-curve`; edits between the markers are replaced) -->"
DOC_END = "<!-- learning-curve:end -->"
SHARE_OF_CEILING = 0.9
LABEL_BUDGET = 0.6  # target (b): the best strategy reaches random's final accuracy with at most 60 % of its labels


def labels_to_reach(points: list[dict], accuracy: float, metric: str = "accuracy") -> int | None:
    """The fewest labels at which the curve's holdout `metric` is at least `accuracy` (None: never on this curve)."""
    for point in points:
        if point[metric] >= accuracy - 1e-12:
            return point["labels"]
    return None


def summarize(result: dict) -> dict:
    """Per curve: final metrics and labels to 90 % of its family's all-labels accuracy; the two targets."""
    ceilings = result["all_labels"]
    rows = []
    for curve in result["curves"]:
        last = curve["points"][-1]
        ceiling = ceilings.get(curve["family"], {}).get("accuracy")
        rows.append({"strategy": curve["strategy"], "family": curve["family"], "final_labels": last["labels"],
                     "final_accuracy": last["accuracy"], "final_f1_macro": last["f1_macro"],
                     "labels_to_90pct": labels_to_reach(curve["points"], SHARE_OF_CEILING * ceiling)
                     if ceiling is not None else None, "seconds": curve["seconds"]})
    return {"rows": rows, "targets": {"embedding_beats_tfidf_every_round": _embedding_beats_tfidf(result["curves"]),
                                      "best_strategy_vs_random": _best_vs_random(result["curves"])}}


def _by(curves: list[dict]) -> dict[tuple[str, str], dict]:
    return {(c["strategy"], c["family"]): c for c in curves}


def _embedding_beats_tfidf(curves: list[dict]) -> dict:
    """(a) per strategy: the embedding curve's accuracy above TF-IDF's at every round both have."""
    by, out = _by(curves), {}
    for strategy in sorted({c["strategy"] for c in curves}):
        embedding, tfidf = by.get((strategy, "embedding_lr")), by.get((strategy, "tfidf_lr"))
        if not embedding or not tfidf:
            continue
        pairs = list(zip(embedding["points"], tfidf["points"], strict=False))
        losing = [e["round"] for e, t in pairs if e["accuracy"] <= t["accuracy"]]
        out[strategy] = {"holds": not losing and bool(pairs), "rounds_compared": len(pairs), "rounds_not_above": losing}
    return {"holds": bool(out) and all(v["holds"] for v in out.values()), "per_strategy": out}


def _best_vs_random(curves: list[dict]) -> dict:
    """(b) per family: the strategy that reaches random's final accuracy with the fewest labels, and whether that
    is at most LABEL_BUDGET of random's final label count."""
    by, out = _by(curves), {}
    for family in sorted({c["family"] for c in curves}):
        random_curve = by.get(("random", family))
        if random_curve is None:
            continue
        goal, budget = random_curve["points"][-1]["accuracy"], random_curve["points"][-1]["labels"]
        reach = {c["strategy"]: labels_to_reach(c["points"], goal) for c in curves
                 if c["family"] == family and c["strategy"] != "random"}
        reached = {s: n for s, n in reach.items() if n is not None}
        best = min(reached, key=lambda s: (reached[s], s)) if reached else None
        out[family] = {"random_final_accuracy": goal, "random_final_labels": budget, "labels_to_reach": reach,
                       "best_strategy": best, "best_labels": reached.get(best),
                       "share_of_random_labels": round(reached[best] / budget, 3) if best else None,
                       "holds": best is not None and reached[best] <= LABEL_BUDGET * budget}
    return {"holds": bool(out) and all(v["holds"] for v in out.values()), "per_family": out,
            "evaluated": bool(out)}


def _fmt(value) -> str:
    return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def markdown(result: dict, summary: dict, *, plot_path: str | None) -> str:
    """The "Learning curve" section's body: setup, the per-round table, the summary, the targets."""
    config, out = result["config"], []
    out.append(f"Run {result['finished_at']} at commit {result.get('git_commit') or 'unknown'} with "
               f"`{result['command']}`: {result['wall_s']:.0f} s wall on "
               f"{result['machine']['cpus']} CPU cores (load average {result['machine']['load_before']} before, "
               f"{result['machine']['load_after']} after).")
    out.append("")
    out.append(f"Pool {config['pool']} distinct texts of the hard corpus (seed {config['seed']}), of which "
               f"{result['seed_labels']} seed labels ({config['seed_per_label']} per label) train the first model; "
               f"fixed holdout {config['holdout']} texts; {config['rounds']} rounds of {config['per_round']} answers; "
               f"k-fold K={config['k_folds']} (a per-run override); every candidate promoted (min_improvement -1, "
               "no approval), so each point is the newest model on the same holdout.")
    if plot_path:
        out += ["", f"![learning curve]({plot_path})"]
    labels_axis = sorted({p["labels"] for c in result["curves"] for p in c["points"]})
    out += ["", "Holdout accuracy / macro-F1 against the number of labels:", "",
            "| strategy | family | " + " | ".join(str(n) for n in labels_axis) + " |",
            "|---|---|" + "---|" * len(labels_axis)]
    for curve in result["curves"]:
        cells = {p["labels"]: f"{p['accuracy']:.3f} / {p['f1_macro']:.3f}" for p in curve["points"]}
        out.append(f"| {curve['strategy']} | {curve['family']} | "
                   + " | ".join(cells.get(n, "") for n in labels_axis) + " |")
    out += ["", "| strategy | family | labels | final accuracy | final macro-F1 | labels to 90 % of all-labels "
            "accuracy | curve time, s |", "|---|---|---|---|---|---|---|"]
    for row in summary["rows"]:
        out.append(f"| {row['strategy']} | {row['family']} | {row['final_labels']} | {_fmt(row['final_accuracy'])} | "
                   f"{_fmt(row['final_f1_macro'])} | {_reach(row['labels_to_90pct'], row['final_labels'])} | "
                   f"{row['seconds']:.0f} |")
    out += ["", "All labels (every pool label, the same training service): " + "; ".join(
        f"`{family}` {v['accuracy']:.3f} accuracy, {v['f1_macro']:.3f} macro-F1 ({v['labels']} labels)"
        for family, v in sorted(result["all_labels"].items())) + "."]
    out += ["", *_targets_text(summary["targets"])]
    return "\n".join(out)


def _reach(labels: int | None, final: int) -> str:
    return f"> {final} (not reached)" if labels is None else str(labels)


def _targets_text(targets: dict) -> list[str]:
    a, b = targets["embedding_beats_tfidf_every_round"], targets["best_strategy_vs_random"]
    lines = ["Targets:", ""]
    detail = "; ".join(f"{s}: " + ("yes" if v["holds"] else f"no at round(s) {v['rounds_not_above']}")
                       for s, v in sorted(a["per_strategy"].items()))
    lines.append(f"* (a) embedding beats TF-IDF at every round: **{'holds' if a['holds'] else 'does not hold'}** "
                 f"({detail or 'not measured'}).")
    if not b["evaluated"]:
        lines.append("* (b) best strategy vs random: not measured (no random curve in this run).")
        return lines
    parts = []
    for family, v in sorted(b["per_family"].items()):
        if v["best_strategy"] is None:
            parts.append(f"{family}: no strategy reached random's final {v['random_final_accuracy']:.3f}")
        else:
            parts.append(f"{family}: {v['best_strategy']} reaches random's final {v['random_final_accuracy']:.3f} "
                         f"with {v['best_labels']} of random's {v['random_final_labels']} labels "
                         f"({v['share_of_random_labels']:.0%})")
    lines.append(f"* (b) the best strategy reaches the random baseline's final accuracy with ≤ "
                 f"{LABEL_BUDGET:.0%} of its labels: **{'holds' if b['holds'] else 'does not hold'}** "
                 f"({'; '.join(parts)}).")
    return lines


def doc_update(path: Path, body: str, *, start: str = DOC_START, end: str = DOC_END,
               heading: str = "Learning curve") -> None:
    """Replace the text between the markers in docs/learning.md (a `heading` section is added if absent)."""
    text = path.read_text()
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + block + "\n"
    path.write_text(text)


STYLES = {"embedding_lr": "-", "tfidf_lr": "--"}


def plot(result: dict, path: Path) -> Path:
    """Accuracy and macro-F1 against labels, one colour per strategy, solid embedding / dashed TF-IDF, the
    all-labels accuracy of each family as a dotted line."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 5), dpi=110)
    strategies = sorted({c["strategy"] for c in result["curves"]})
    colours = {s: f"C{i}" for i, s in enumerate(strategies)}
    for index, metric in enumerate(("accuracy", "f1_macro")):
        axes = figure.add_subplot(1, 2, index + 1)
        for curve in result["curves"]:
            xs = [p["labels"] for p in curve["points"]]
            axes.plot(xs, [p[metric] for p in curve["points"]], marker="o", markersize=3,
                      linestyle=STYLES.get(curve["family"], ":"), color=colours[curve["strategy"]],
                      label=f"{curve['strategy']} · {curve['family']}")
        for family, ceiling in sorted(result["all_labels"].items()):
            axes.axhline(ceiling[metric], linestyle=":", color="grey", linewidth=1)
            axes.annotate(f"all labels, {family}", (0, ceiling[metric]), xycoords=("axes fraction", "data"),
                          xytext=(4, 2), textcoords="offset points", fontsize=7, color="dimgray")
        axes.set_xlabel("labels (seed + answers)")
        axes.set_ylabel(f"holdout {metric}")
        axes.grid(alpha=0.3)
        handles, names = axes.get_legend_handles_labels()
    figure.suptitle("Learning curve: queue strategy × text model family (synthetic hard corpus, 40 labels)")
    figure.legend(handles, names, loc="lower center", ncol=5, fontsize=7, frameon=False)  # below both plots
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
