// Per-epoch curves of a detector's final training (its own validation split): losses, and
// precision/recall/mAP.
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";

import { AXIS_TICK, Y_AXIS_WIDTH, yAxisLabel } from "@/components/charts/axes";
import { ChartFrame } from "@/components/charts/chart-frame";

import type { EpochRow } from "../api/types";
import { formatMetric, metricName } from "../api/types";
import { tickFormatterFor } from "./ticks";

const LOSSES = ["box_loss", "cls_loss", "dfl_loss", "val_box_loss", "val_cls_loss", "val_dfl_loss"];
const SCORES = ["precision", "recall", "map50", "map50_95"];
const COLOURS = ["#2453a6", "#8a5a00", "#1e7a3c", "#b3261e", "#6b3fa0", "#0f6e74"];

function Curves({ rows, keys, title, yLabel, domain }: { rows: EpochRow[]; keys: string[]; title: string; yLabel: string; domain?: [number, number] }) {
  const present = keys.filter((k) => rows.some((r) => typeof r[k] === "number"));
  if (!present.length) return null;
  const last = rows[rows.length - 1];
  const caption = `${title} over ${rows.length} epochs. Last epoch: ${present
    .map((k) => `${metricName(k)} ${formatMetric(last[k])}`)
    .join(", ")}.`;
  return (
    <ChartFrame
      caption={caption}
      table={{
        headers: ["Epoch", ...present.map(metricName)],
        rows: rows.map((r) => [r.epoch, ...present.map((k) => formatMetric(r[k]))]),
      }}
    >
      <LineChart data={rows} margin={{ top: 10, right: 20, bottom: 20, left: 10 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="epoch" type="number" domain={["dataMin", "dataMax"]} allowDecimals={false} tick={AXIS_TICK} label={{ value: "Epoch", position: "insideBottom", offset: -12 }} />
        <YAxis
          domain={domain ?? ["auto", "auto"]}
          tick={AXIS_TICK}
          tickFormatter={tickFormatterFor(domain ?? rows.flatMap((r) => present.map((k) => Number(r[k]))))}
          width={Y_AXIS_WIDTH}
          label={yAxisLabel(yLabel)}
        />
        <Tooltip formatter={(value) => (typeof value === "number" ? formatMetric(value) : String(value))} />
        <Legend verticalAlign="top" height={44} />
        {present.map((key, index) => (
          <Line
            key={key}
            dataKey={key}
            name={metricName(key)}
            stroke={COLOURS[index % COLOURS.length]}
            strokeDasharray={key.startsWith("val_") ? "5 3" : undefined}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}

export function EpochCurves({ rows }: { rows: EpochRow[] | undefined }) {
  if (!rows?.length) return <p className="muted">No per-epoch records.</p>;
  return (
    <div className="detail-grid">
      <div>
        <h3>Losses</h3>
        <Curves rows={rows} keys={LOSSES} title="Training (solid) and validation (dashed) losses" yLabel="Loss" />
      </div>
      <div>
        <h3>Validation scores</h3>
        <Curves rows={rows} keys={SCORES} title="Precision, recall and mAP" yLabel="Score" domain={[0, 1]} />
      </div>
    </div>
  );
}
