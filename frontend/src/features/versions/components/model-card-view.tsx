// A version's model card (AI Act Annex IV technical documentation) as readable sections, with
// downloads of the API's Markdown and JSON renderings.
import { useState } from "react";

import { Button, ErrorMessage } from "@/components/ui";

import { downloadModelCard } from "../api/model-versions";
import type { KFoldSummary, ModelCard } from "../api/types";
import { formatMetric, metricName } from "../api/types";

const SECTIONS: [keyof ModelCard, string][] = [
  ["model", "Model"],
  ["intended_use", "Intended use"],
  ["data", "Data"],
  ["training", "Training"],
  ["evaluation", "Evaluation"],
];

const CARD_NAMES: Record<string, string> = {
  mlflow_run_id: "MLflow run",
  mlflow_tracking_uri: "MLflow tracking URI",
  n: "Holdout size",
  kfold: "k-fold",
  k_folds: "k folds",
};

const humanise = (key: string) => {
  if (CARD_NAMES[key]) return CARD_NAMES[key];
  const named = metricName(key);
  return named === key.replace(/_/g, " ") ? named.charAt(0).toUpperCase() + named.slice(1) : named;
};

function kfoldSummary(kfold: KFoldSummary): string {
  if (kfold.skipped) return `skipped: ${kfold.skipped}`;
  const mean = kfold.mean ?? {};
  const parts = Object.keys(mean).map((k) => `${metricName(k)} ${formatMetric(mean[k])} ± ${formatMetric(kfold.std?.[k])}`);
  return `${kfold.k ?? 0} folds${parts.length ? `: ${parts.join(", ")}` : ""}`;
}

function Value({ name, value, depth }: { name: string; value: unknown; depth: number }) {
  if (value === null || value === undefined || value === "") return <span className="muted">not recorded</span>;
  if (name === "kfold" && typeof value === "object") return <>{kfoldSummary(value as KFoldSummary)}</>;
  if (typeof value === "number") return <>{Number.isInteger(value) ? value.toLocaleString() : formatMetric(value, 4)}</>;
  if (typeof value === "boolean") return <>{value ? "yes" : "no"}</>;
  if (typeof value === "string") return <>{value}</>;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null)) return <>{value.join(", ")}</>;
    return <pre>{JSON.stringify(value, null, 1)}</pre>;
  }
  if (depth >= 2) return <pre>{JSON.stringify(value, null, 1)}</pre>;
  return <Fields record={value as Record<string, unknown>} depth={depth + 1} />;
}

function Fields({ record, depth = 0 }: { record: Record<string, unknown>; depth?: number }) {
  const entries = Object.entries(record);
  if (!entries.length) return <p className="muted">Nothing recorded.</p>;
  return (
    <dl>
      {entries.map(([key, value]) => (
        <div key={key} style={{ display: "contents" }}>
          <dt>{humanise(key)}</dt>
          <dd>
            <Value name={key} value={value} depth={depth} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function ModelCardView({ card, versionId, number }: { card: ModelCard | null | undefined; versionId: number; number: number }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"md" | "json" | null>(null);
  const download = async (format: "md" | "json") => {
    setError(null);
    setBusy(format);
    try {
      await downloadModelCard(versionId, format);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card model-card" aria-labelledby="card-title">
      <div className="row">
        <h2 id="card-title">Model card of v{number}</h2>
        <span className="spacer" />
        <Button onClick={() => download("md")} disabled={busy !== null}>
          {busy === "md" ? "Downloading…" : "Download Markdown"}
        </Button>
        <Button onClick={() => download("json")} disabled={busy !== null}>
          {busy === "json" ? "Downloading…" : "Download JSON"}
        </Button>
      </div>
      <ErrorMessage error={error} title="The model card could not be downloaded:" />
      {!card || !Object.keys(card).length ? (
        <p className="muted">This version has no model card.</p>
      ) : (
        <>
          {SECTIONS.map(([key, title]) =>
            card[key] ? (
              <div key={key}>
                <h3>{title}</h3>
                <Fields record={card[key] as Record<string, unknown>} />
              </div>
            ) : null,
          )}
          <h3>Limitations</h3>
          {card.limitations?.length ? (
            <ul>
              {card.limitations.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None recorded.</p>
          )}
          <h3>Human oversight</h3>
          <p>{card.human_oversight || <span className="muted">Not recorded.</span>}</p>
        </>
      )}
    </section>
  );
}
