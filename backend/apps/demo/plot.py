"""Draw the simulator's learning curve: the two holdout metrics per round (matplotlib, Agg, no display)."""
from pathlib import Path


def plot_rounds(*, start: float, rounds: list[dict], metrics: tuple[str, str], path: Path) -> Path:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4), dpi=110)
    axes = figure.add_subplot()
    xs = [0] + [r["round"] for r in rounds]
    first, second = metrics
    axes.plot(xs, [start] + [r["metrics"][first] for r in rounds], marker="o", label=f"candidate {first}")
    axes.plot(xs[1:], [r["metrics"][second] for r in rounds], marker="s", linestyle="--", label=f"candidate {second}")
    axes.step(xs, [start] + [r["champion_metrics"][first] for r in rounds], where="post", color="grey",
              alpha=0.6, label=f"serving champion {first}")
    rejected = [r for r in rounds if r["decision"] == "rejected"]
    if rejected:
        axes.scatter([r["round"] for r in rejected], [r["metrics"][first] for r in rejected], marker="x", s=80,
                     color="crimson", zorder=5, label="rejected by the gate")
    for r in rounds:
        axes.annotate(f"{r['training_examples']}", (r["round"], r["metrics"][first]), textcoords="offset points",
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
