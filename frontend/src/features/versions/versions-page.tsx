// The ML engineer's view of a project's models: every version with its holdout metrics, the metric
// over versions and over human answers, and the latest candidate beside the champion.
import "./versions.css";

import { useEffect } from "react";
import { useLocation } from "react-router-dom";

import { ErrorMessage, Loading, Page } from "@/components/ui";
import { useCan } from "@/lib/auth/session";
import { useProject, useProjectSlug } from "@/lib/project";

import { useLearningCurve, useModelVersions } from "./api/model-versions";
import { defaultMetric, holdoutMetricKeys, metricName } from "./api/types";
import { CandidatePanel } from "./components/candidate-panel";
import { MetricCharts } from "./components/metric-charts";
import { VersionsTable } from "./components/versions-table";
import { findChampion, findLatestCandidate, findRollbackTarget } from "./model-state";

export function VersionsPage() {
  const slug = useProjectSlug();
  const project = useProject(slug);
  const versions = useModelVersions(slug);
  const curve = useLearningCurve(slug);
  const canAct = useCan("promote");
  const { hash } = useLocation();
  const loaded = !versions.isPending && !project.isPending;

  // "Compare with the champion" (from the training page) lands on the comparison.
  useEffect(() => {
    if (loaded && hash) document.getElementById(hash.slice(1))?.scrollIntoView?.({ block: "start" });
  }, [loaded, hash]);

  if (project.isPending || versions.isPending) return <Loading label="Loading model versions…" />;
  if (project.error || versions.error) return <ErrorMessage error={project.error ?? versions.error} />;

  const task = project.data.task;
  const metric = project.data.promotion_metric ?? defaultMetric(task);
  const metricKeys = holdoutMetricKeys(task, metric);
  const list = versions.data;
  const champion = findChampion(list);
  const candidate = findLatestCandidate(list);

  return (
    <Page title="Model versions">
      {list.length === 0 ? (
        <p className="card muted">No model versions yet. A training run creates the first one.</p>
      ) : (
        <>
        <CandidatePanel
          slug={slug}
          task={task}
          metricKeys={metricKeys}
          candidate={candidate}
          champion={champion}
          rollbackTarget={findRollbackTarget(list, champion)}
          canAct={canAct}
        />
        <MetricCharts versions={list} metric={metric} curve={curve} />
        <section className="card section-gap" aria-labelledby="versions-title">
          <h2 id="versions-title">All versions</h2>
          <p className="small muted">Promotion metric: {metricName(metric)}. Metrics are measured on the project's holdout.</p>
          <VersionsTable versions={list} metricKeys={metricKeys} />
        </section>
        </>
      )}
    </Page>
  );
}
