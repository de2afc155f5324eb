// The ML engineer's training workspace: start a run (with parameter overrides), follow it live,
// see why it failed, and look back over recent runs.
import "./training.css";

import { useSearchParams } from "react-router-dom";

import { ErrorMessage, Loading, Page } from "@/components/ui";
import { useProject, useProjectSlug } from "@/lib/project";

import { useTrainingRuns } from "./api/training-runs";
import { isActive } from "./api/types";
import { RunProgress } from "./components/run-progress";
import { RUNS_PAGE, RunsTable } from "./components/runs-table";
import { StartRunForm } from "./components/start-run-form";

export function TrainingPage() {
  const slug = useProjectSlug();
  const project = useProject(slug);
  const latest = useTrainingRuns(slug, 0, RUNS_PAGE);
  const [search, setSearch] = useSearchParams();

  if (project.isPending) return <Loading />;
  if (project.error) return <ErrorMessage error={project.error} />;

  const task = project.data.task;
  const metric = project.data.promotion_metric ?? (task === "object_detection" ? "map50_95" : "f1_macro");
  const newest = latest.data?.results[0];
  const chosen = Number(search.get("run")) || null;
  const followed = chosen ?? newest?.id ?? null;
  const offset = Math.max(0, Number(search.get("offset")) || 0);

  const update = (changes: Record<string, string | null>) =>
    setSearch(
      (old) => {
        const next = new URLSearchParams(old);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );

  return (
    <Page title="Training">
      <section className="card" aria-labelledby="start-title">
        <h2 id="start-title">Start a training run</h2>
        <p className="small muted">
          A run freezes the current data (imported labels and human answers) as a dataset version, cross-validates,
          trains the model, evaluates it on the holdout and hands it to the promotion gate.
        </p>
        <StartRunForm
          slug={slug}
          task={task}
          lastParams={newest?.params}
          busy={isActive(newest)}
          onStarted={(run) => update({ run: String(run.id), offset: null })}
        />
      </section>

      {followed != null && (
        <section className="card" aria-labelledby="run-title">
          <h2 id="run-title">Run #{followed}</h2>
          <RunProgress key={followed} slug={slug} runId={followed} metric={metric} />
        </section>
      )}

      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Recent runs</h2>
        <RunsTable
          slug={slug}
          metric={metric}
          offset={offset}
          onOffset={(next) => update({ offset: next ? String(next) : null })}
          followed={followed}
          onFollow={(id) => update({ run: String(id) })}
        />
      </section>
    </Page>
  );
}
