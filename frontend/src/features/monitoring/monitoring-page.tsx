// Post-market monitoring (AI Act Art. 72) of one project: the raised flags, each serving version's
// series over a window of days (volume, confidence, correction/disagreement rates, drift) and the
// annotators' automation-bias indicators (Art. 14(4)(b)). ML engineers and admins can run the check now
// and change the thresholds.
import "./monitoring.css";

import { useSearchParams } from "react-router-dom";

import { Button, ErrorMessage, Loading, Page } from "@/components/ui";
import { Field } from "@/components/ui/field";
import { can } from "@/lib/auth/roles";
import { useMe } from "@/lib/auth/session";
import { formatWhen } from "@/lib/dates";
import { useProjectSlug } from "@/lib/project";

import { useMonitoring, useMonitoringCheck, type VersionSeries } from "./api";
import { AnnotatorsTable } from "./components/annotators-table";
import { FlagsPanel } from "./components/flags-panel";
import { ThresholdsCard } from "./components/thresholds-form";
import { VersionSeriesView } from "./components/version-series";

const WINDOWS = [7, 14, 30, 90];

/** The champion first, then newest first. */
function ordered(versions: VersionSeries[]): VersionSeries[] {
  return [...versions].sort((a, b) => Number(b.status === "champion") - Number(a.status === "champion") || b.number - a.number);
}

export function MonitoringPage() {
  const slug = useProjectSlug();
  const { data: me } = useMe();
  const [search, setSearch] = useSearchParams();
  const days = Number(search.get("days")) || null;
  const monitoring = useMonitoring(slug, days);
  const check = useMonitoringCheck(slug);
  const versions = ordered(monitoring.data?.versions ?? []);
  const canManage = can(me?.roles ?? [], "manageProjects");
  const chosen = versions.find((v) => v.number === Number(search.get("version"))) ?? versions[0];
  const set = (key: string, value: string | null) =>
    setSearch(
      (old) => {
        const next = new URLSearchParams(old);
        if (value == null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const windowDays = monitoring.data?.days ?? days ?? 7;
  const actions = (
    <div className="row">
      <Field label="Window" className="monitor-inline">
        {(control) => (
          <select {...control} value={windowDays} onChange={(e) => set("days", e.target.value)}>
            {[...new Set([...WINDOWS, windowDays])].sort((a, b) => a - b).map((n) => (
              <option key={n} value={n}>
                last {n} days
              </option>
            ))}
          </select>
        )}
      </Field>
      {canManage && (
        <Button onClick={() => check.mutate()} disabled={check.isPending}>
          {check.isPending ? "Checking…" : "Check thresholds now"}
        </Button>
      )}
    </div>
  );

  return (
    <Page title="Monitoring" actions={actions}>
      <ErrorMessage error={check.error} />
      {check.data && (
        <p className="alert alert-info" role="status">
          Check done: {check.data.raised.length} flag(s) raised, {check.data.cleared.length} cleared
          {check.data.training_run != null ? `; training run #${check.data.training_run} queued` : ""}.
        </p>
      )}
      {monitoring.isPending ? (
        <Loading label="Loading the monitoring series…" />
      ) : monitoring.error ? (
        <ErrorMessage error={monitoring.error} />
      ) : (
        <>
          <p className="small muted">
            {formatWhen(monitoring.data.since)} – {formatWhen(monitoring.data.until)} (UTC days). Thresholds: the project's monitoring
            policy (window {monitoring.data.policy.window_days} days, at least {monitoring.data.policy.min_predictions}{" "}
            predictions and {monitoring.data.policy.min_answers} answers to judge).
          </p>
          <FlagsPanel open={monitoring.data.flags} recent={monitoring.data.recent_flags} />
          <section className="card" aria-labelledby="series-title">
            <div className="row">
              <h2 id="series-title">Model versions</h2>
              <span className="spacer" />
              {versions.length === 1 && chosen && (
                <span className="small muted">
                  v{chosen.number} ({chosen.status})
                </span>
              )}
              {versions.length > 1 && (
                <div className="row" role="group" aria-label="Model version">
                  {versions.map((v) => (
                    <button
                      key={v.number}
                      type="button"
                      className={`btn ${v === chosen ? "btn-primary" : "btn-secondary"}`}
                      aria-pressed={v === chosen}
                      onClick={() => set("version", String(v.number))}
                    >
                      v{v.number} {v.status === "champion" ? "(champion)" : ""}
                    </button>
                  ))}
                </div>
              )}
            </div>
            {chosen ? (
              <VersionSeriesView key={chosen.number} version={chosen} policy={monitoring.data.policy} feature={monitoring.data.feature} />
            ) : (
              <p className="muted">No version predicted or was answered in the window.</p>
            )}
          </section>
          <ThresholdsCard slug={slug} policy={monitoring.data.policy} canEdit={canManage} />
        </>
      )}
      <AnnotatorsTable slug={slug} days={days} />
    </Page>
  );
}
