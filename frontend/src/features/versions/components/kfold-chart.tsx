// k-fold cross-validation of a version: each fold's score as a bar, the mean as a line and
// mean ± std as a band, per metric.
import {
  Bar,
  BarChart,
  CartesianGrid,
  DefaultLegendContent,
  Legend,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type LegendPayload,
} from "recharts";

import { AXIS_TICK, Y_AXIS_WIDTH, yAxisLabel } from "@/components/charts/axes";
import { ChartFrame } from "@/components/charts/chart-frame";

import type { KFoldSummary } from "../api/types";
import { formatMetric, metricName } from "../api/types";
import { tickFormatterFor } from "./ticks";

const COLOURS = ["#2453a6", "#8a5a00", "#1e7a3c", "#6b3fa0"];
const MEAN_COLOUR = "#1b2333";

export function KFoldChart({ kfold, metric }: { kfold: KFoldSummary | undefined; metric: string }) {
  if (!kfold || kfold.skipped || !kfold.folds?.length) {
    return <p className="muted">No k-fold results{kfold?.skipped ? `: ${kfold.skipped}` : "."}</p>;
  }
  const mean = kfold.mean ?? {};
  const std = kfold.std ?? {};
  const keys = [metric, ...Object.keys(mean).filter((k) => k !== metric)].filter((k) => k in mean);
  const data: (Record<string, unknown> & { name: string })[] = kfold.folds.map((fold) => ({
    ...fold,
    name: `Fold ${Number(fold.fold) + 1}`,
  }));
  const m = mean[metric];
  const s = std[metric] ?? 0;
  const summary = keys.map((k) => `${metricName(k)} ${formatMetric(mean[k])} ± ${formatMetric(std[k])}`).join("; ");
  const table = {
    headers: ["Fold", "Train", "Validation", ...keys.map(metricName)],
    rows: [
      ...data.map((fold) => [fold.name, String(fold.n_train ?? "–"), String(fold.n_val ?? "–"), ...keys.map((k) => formatMetric(fold[k]))]),
      ["Mean", "", "", ...keys.map((k) => formatMetric(mean[k]))],
      ["Std", "", "", ...keys.map((k) => formatMetric(std[k]))],
    ],
  };
  // The mean line is named in the legend, not on the plot, where a label would cover bars and ticks.
  const meanEntry: LegendPayload | null =
    typeof m === "number"
      ? { value: `mean ${metricName(metric)} ${formatMetric(m)} (band: ± std)`, type: "plainline", color: MEAN_COLOUR, payload: { strokeDasharray: "6 3" } }
      : null;
  return (
    <ChartFrame caption={`${kfold.k ?? data.length}-fold cross-validation, mean ± std: ${summary}.`} table={table} height={260}>
      <BarChart data={data} margin={{ top: 16, right: 20, bottom: 20, left: 10 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="name" tick={AXIS_TICK} label={{ value: "Fold", position: "insideBottom", offset: -12 }} />
        <YAxis
          domain={[0, 1]}
          ticks={[0, 0.25, 0.5, 0.75, 1]}
          tick={AXIS_TICK}
          tickFormatter={tickFormatterFor([0, 1])}
          label={yAxisLabel("Score")}
          width={Y_AXIS_WIDTH}
        />
        <Tooltip formatter={(value) => (typeof value === "number" ? formatMetric(value) : String(value))} />
        <Legend
          verticalAlign="top"
          wrapperStyle={{ paddingBottom: 8 }}
          content={(props) => (
            <DefaultLegendContent {...props} payload={meanEntry ? [...(props.payload ?? []), meanEntry] : props.payload} />
          )}
        />
        {typeof m === "number" && (
          <ReferenceArea y1={Math.max(0, m - s)} y2={Math.min(1, m + s)} fill="#2453a6" fillOpacity={0.1} ifOverflow="extendDomain" />
        )}
        {keys.map((key, index) => (
          <Bar key={key} dataKey={key} name={metricName(key)} fill={COLOURS[index % COLOURS.length]} isAnimationActive={false} />
        ))}
        {typeof m === "number" && (
          <ReferenceLine
            y={m}
            stroke={MEAN_COLOUR}
            strokeDasharray="6 3"
          />
        )}
      </BarChart>
    </ChartFrame>
  );
}
