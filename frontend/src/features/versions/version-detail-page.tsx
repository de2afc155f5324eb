// One model version in depth: holdout metrics, the gate, k-fold folds, the confusion matrix and
// per-class scores (text) or per-class AP and per-epoch curves (detection), and its model card.
import "./versions.css";

import { Link, useParams } from "react-router-dom";

import { ErrorMessage, Loading, Page, StatusBadge } from "@/components/ui";
import { useProject, useProjectSlug } from "@/lib/project";

import { useModelVersions } from "./api/model-versions";
import { defaultMetric, formatDate, formatMetric, holdoutMetricKeys, metricName } from "./api/types";
import { ConfusionMatrix } from "./components/confusion-matrix";
import { EpochCurves } from "./components/epoch-curves";
import { GateBox } from "./components/gate-box";
import { KFoldChart } from "./components/kfold-chart";
import { MlflowRun } from "./components/mlflow-run";
import { ModelCardView } from "./components/model-card-view";
import { DetectionPerClassChart, TextPerClassTable } from "./components/per-class";
import { findChampion } from "./model-state";

export function VersionDetailPage() {
  const slug = useProjectSlug();
  const { versionId } = useParams();
  const project = useProject(slug);
  const versions = useModelVersions(slug);

  if (project.isPending || versions.isPending) return <Loading label="Loading the model version…" />;
  if (project.error || versions.error) return <ErrorMessage error={project.error ?? versions.error} />;

  const version = versions.data.find((v) => String(v.id) === versionId);
  if (!version) {
    return (
      <Page title="Model version not found">
        <p role="alert">
          There is no model version {versionId} in this project. <Link to="..">Back to the model versions</Link>
        </p>
      </Page>
    );
  }
  const task = project.data.task;
  const metric = project.data.promotion_metric ?? defaultMetric(task);
  const metrics = version.metrics ?? {};
  const detection = task === "object_detection";

  return (
    <Page title={`Model version v${version.number}`} actions={<Link to="..">← All versions</Link>}>
      <section className="card" aria-labelledby="summary-title">
        <h2 id="summary-title" className="row">
          Summary <StatusBadge status={version.status} />
        </h2>
        <dl className="metric-list summary-grid">
          {holdoutMetricKeys(task, metric).map((key) => (
            <div key={key}>
              <dt>
                {metricName(key)}
                {key === metric ? " (promotion)" : ""}
              </dt>
              <dd>{formatMetric((metrics as Record<string, unknown>)[key])}</dd>
            </div>
          ))}
          <div>
            <dt>Holdout {detection ? "images" : "texts"}</dt>
            <dd>{metrics.n ?? "–"}</dd>
          </div>
        </dl>
        <dl className="metric-list summary-grid summary-meta section-gap">
          <div>
            <dt>Created</dt>
            <dd className="nowrap">{formatDate(version.created_at)}</dd>
          </div>
          <div>
            <dt>Training run</dt>
            <dd>#{version.training_run}</dd>
          </div>
          <div>
            <dt>Approved by</dt>
            <dd>{version.approved_by ?? (version.promoted_at ? "automatic" : "–")}</dd>
          </div>
          <div>
            <dt>MLflow run</dt>
            <dd>
              <MlflowRun runId={version.mlflow_run_id} url={version.mlflow_run_url} trackingUri={version.model_card?.model?.mlflow_tracking_uri} />
            </dd>
          </div>
        </dl>
        {version.promotion_reason && <p className="small">Promotion reason: {version.promotion_reason}</p>}
        {version.rolled_back_at && <p className="small">Rolled back {formatDate(version.rolled_back_at)}.</p>}
        <GateBox version={version} champion={findChampion(versions.data)} />
      </section>

      <div className="detail-grid">
        <section className="card" aria-labelledby="kfold-title">
          <h2 id="kfold-title">k-fold cross-validation</h2>
          <KFoldChart kfold={metrics.kfold} metric={metric} />
        </section>
        {detection ? (
          <section className="card" aria-labelledby="ap-title">
            <h2 id="ap-title">Average precision per class</h2>
            <DetectionPerClassChart perClass={metrics.per_class} />
          </section>
        ) : (
          <section className="card" aria-labelledby="per-class-title">
            <h2 id="per-class-title">Per class</h2>
            <TextPerClassTable perClass={metrics.per_class} />
          </section>
        )}
      </div>

      {detection && (
        <section className="card section-gap" aria-labelledby="epochs-title">
          <h2 id="epochs-title">Training per epoch</h2>
          <EpochCurves rows={metrics.per_epoch} />
        </section>
      )}
      {(!detection || metrics.confusion_matrix) && (
        <section className="card section-gap" aria-labelledby="confusion-title">
          <h2 id="confusion-title">Confusion matrix</h2>
          <ConfusionMatrix confusion={metrics.confusion_matrix} />
        </section>
      )}

      <div className="section-gap">
        <ModelCardView card={version.model_card} versionId={version.id} number={version.number} />
      </div>
    </Page>
  );
}
