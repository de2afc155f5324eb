"""Draw the simulator's learning curve: holdout accuracy and F1 per round (matplotlib, Agg, no display)."""
from pathlib import Path


def plot_rounds(*, start_accuracy: float, rounds: list[dict], path: Path) -> Path:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4), dpi=110)
    axes = figure.add_subplot()
    xs = [0] + [r["round"] for r in rounds]
    axes.plot(xs, [start_accuracy] + [r["accuracy"] for r in rounds], marker="o", label="candidate accuracy")
    axes.plot(xs[1:], [r["f1_macro"] for r in rounds], marker="s", linestyle="--", label="candidate F1 (macro)")
    axes.step(xs, [start_accuracy] + [r["champion_accuracy"] for r in rounds], where="post", color="grey",
              alpha=0.6, label="serving champion accuracy")
    rejected = [r for r in rounds if r["decision"] == "rejected"]
    if rejected:
        axes.scatter([r["round"] for r in rejected], [r["accuracy"] for r in rejected], marker="x", s=80,
                     color="crimson", zorder=5, label="rejected by the gate")
    for r in rounds:
        axes.annotate(f"{r['training_examples']}", (r["round"], r["accuracy"]), textcoords="offset points",
                      xytext=(0, 8), ha="center", fontsize=7, color="dimgray")
    axes.set_xlabel("feedback round (labels above points: training examples)")
    axes.set_ylabel("holdout")
    axes.set_title("The loop learns: holdout metrics per feedback round")
    axes.set_xticks(xs)
    axes.margins(y=0.12)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
