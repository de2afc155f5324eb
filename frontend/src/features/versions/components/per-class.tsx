// Per-class holdout scores: precision/recall/F1 for text, AP50/AP50-95 bars for detection.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";

import { AXIS_TICK, yAxisLabel } from "@/components/charts/axes";
import { ChartFrame } from "@/components/charts/chart-frame";

import type { VersionMetrics } from "../api/types";
import { formatMetric } from "../api/types";
import { tickFormatterFor } from "./ticks";

export function TextPerClassTable({ perClass }: { perClass: VersionMetrics["per_class"] }) {
  const rows = Object.entries(perClass ?? {});
  if (!rows.length) return <p className="muted">No per-class scores recorded.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden-inline">Precision, recall and F1 per class on the holdout</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col" className="num">Precision</th>
            <th scope="col" className="num">Recall</th>
            <th scope="col" className="num">F1</th>
            <th scope="col" className="num">Support</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, scores]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className="num">{formatMetric(scores.precision)}</td>
              <td className="num">{formatMetric(scores.recall)}</td>
              <td className="num">{formatMetric(scores.f1)}</td>
              <td className="num">{scores.support ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DetectionPerClassChart({ perClass }: { perClass: VersionMetrics["per_class"] }) {
  const data = Object.entries(perClass ?? {}).map(([label, scores]) => ({
    label,
    ap50: scores.ap50 ?? 0,
    ap50_95: scores.ap50_95 ?? 0,
  }));
  if (!data.length) return <p className="muted">No per-class AP recorded.</p>;
  const weakest = [...data].sort((a, b) => a.ap50_95 - b.ap50_95)[0];
  return (
    <ChartFrame
      caption={`Average precision per class on the holdout. Weakest: ${weakest.label} (AP50-95 ${formatMetric(weakest.ap50_95)}).`}
      table={{
        headers: ["Class", "AP50", "AP50-95"],
        rows: data.map((d) => [d.label, formatMetric(d.ap50), formatMetric(d.ap50_95)]),
      }}
      height={Math.max(200, 60 + data.length * 44)}
    >
      <BarChart data={data} layout="vertical" margin={{ top: 10, right: 20, bottom: 20, left: 10 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis
          type="number"
          domain={[0, 1]}
          ticks={[0, 0.25, 0.5, 0.75, 1]}
          tick={AXIS_TICK}
          tickFormatter={tickFormatterFor([0, 1])}
          label={{ value: "Average precision", position: "insideBottom", offset: -12 }}
        />
        <YAxis type="category" dataKey="label" width={110} tick={AXIS_TICK} label={yAxisLabel("Class")} />
        <Tooltip formatter={(value) => (typeof value === "number" ? formatMetric(value) : String(value))} />
        <Legend verticalAlign="top" height={28} />
        <Bar dataKey="ap50" name="AP50" fill="#2453a6" isAnimationActive={false} />
        <Bar dataKey="ap50_95" name="AP50-95" fill="#8a5a00" isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}
