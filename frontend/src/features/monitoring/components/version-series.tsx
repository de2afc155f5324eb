// One model version over the window: its totals with the shift tests, then the daily series as charts —
// prediction volume, confidence, correction and disagreement rates, and drift against its training data.
import type { Policy, VersionSeries } from "../api";
import { formatNumber, percent } from "../format";
import { DailyChart, type Row } from "./daily-chart";

function Totals({ version, policy, feature }: { version: VersionSeries; policy: Policy; feature: string }) {
  const w = version.window;
  const facts: [string, string][] = [
    ["Predictions", formatNumber(w.predictions)],
    ["Median confidence", formatNumber(w.confidence.p50)],
    ["Answers", formatNumber(w.answers)],
    ["Correction rate", `${percent(w.correction_rate)} (limit ${percent(policy.max_correction_rate)})`],
    ["Disagreement rate", `${percent(w.disagreement_rate)} (limit ${percent(policy.max_disagreement_rate)})`],
    [
      "Label shift",
      w.label_shift ? `TVD ${formatNumber(w.label_shift.tvd)}, p ${formatNumber(w.label_shift.p_value)}` : "no reference",
    ],
    [
      `Input shift (${feature.replace(/_/g, " ")})`,
      w.input_shift ? `PSI ${formatNumber(w.input_shift.psi)}, p ${formatNumber(w.input_shift.p_value)}` : "no reference",
    ],
  ];
  return (
    <dl className="monitor-facts">
      {facts.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function VersionSeriesView({ version, policy, feature }: { version: VersionSeries; policy: Policy; feature: string }) {
  const rows: Row[] = version.days.map((day) => ({
    date: day.date,
    predictions: day.predictions,
    answers: day.answers,
    p10: day.confidence.p10,
    p50: day.confidence.p50,
    p90: day.confidence.p90,
    correction_rate: day.correction_rate,
    disagreement_rate: day.disagreement_rate,
    psi: day.input_shift?.psi ?? null,
    tvd: day.label_shift?.tvd ?? null,
  }));
  const v = `v${version.number}`;
  const w = version.window;
  return (
    <>
      <Totals version={version} policy={policy} feature={feature} />
      {rows.length === 0 ? (
        <p className="muted">No predictions or answers for {v} in the window.</p>
      ) : (
        <div className="monitor-charts">
          <div>
            <h3>Prediction volume</h3>
            <DailyChart
              rows={rows}
              bars
              series={[
                { key: "predictions", name: "Predictions", colour: "#2453a6" },
                { key: "answers", name: "Human answers", colour: "#8a5a00" },
              ]}
              yLabel="Per day"
              caption={`${v}: ${formatNumber(w.predictions)} predictions and ${formatNumber(w.answers)} human answers over ${rows.length} day(s).`}
            />
          </div>
          <div>
            <h3>Confidence</h3>
            <DailyChart
              rows={rows}
              domain={[0, 1]}
              series={[
                { key: "p90", name: "90th percentile", colour: "#1e7a3c", dashed: true },
                { key: "p50", name: "Median", colour: "#2453a6" },
                { key: "p10", name: "10th percentile", colour: "#b3261e", dashed: true },
              ]}
              yLabel="Confidence"
              caption={`${v}: daily percentiles of the model's confidence; window median ${formatNumber(w.confidence.p50)}.`}
            />
          </div>
          <div>
            <h3>Correction and disagreement rate</h3>
            <DailyChart
              rows={rows}
              domain={[0, 1]}
              series={[
                { key: "correction_rate", name: "Correction rate", colour: "#8a5a00" },
                { key: "disagreement_rate", name: "Disagreement rate", colour: "#6b3fa0", dashed: true },
              ]}
              threshold={policy.max_correction_rate != null ? { value: policy.max_correction_rate, label: "correction limit" } : null}
              yLabel="Share of answers"
              caption={`${v}: ${percent(w.correction_rate)} of answers corrected the model, ${percent(w.disagreement_rate)} disagreed with a confident prediction (limits ${percent(policy.max_correction_rate)} and ${percent(policy.max_disagreement_rate)}).`}
            />
          </div>
          <div>
            <h3>Drift against the training data</h3>
            {version.reference ? (
              <DailyChart
                rows={rows}
                series={[
                  { key: "psi", name: "Input PSI", colour: "#0f6e74" },
                  { key: "tvd", name: "Label TVD", colour: "#b3261e", dashed: true },
                ]}
                threshold={policy.input_psi_threshold != null ? { value: policy.input_psi_threshold, label: "PSI limit" } : null}
                yLabel="Distance"
                caption={`${v} against dataset version #${version.dataset_version}: the population stability index of ${feature.replace(/_/g, " ")} and the total variation distance of the predicted labels, per day. A flag also needs p < ${formatNumber(policy.shift_p_value)}.`}
              />
            ) : (
              <p className="muted">{v} has no training dataset version to compare with: no shift is measured.</p>
            )}
          </div>
        </div>
      )}
    </>
  );
}
