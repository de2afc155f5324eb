// A metric plotted per model version, each status with its own marker and colour, so rejected
// candidates stand apart and the champion stands out. Used for the metric history and the
// learning curve.
import { CartesianGrid, Legend, Scatter, ScatterChart, Symbols, Tooltip, XAxis, YAxis } from "recharts";

import { AXIS_TICK, Y_AXIS_WIDTH, yAxisLabel } from "@/components/charts/axes";
import { ChartFrame } from "@/components/charts/chart-frame";

import type { VersionStatus } from "../api/types";
import { formatMetric } from "../api/types";
import { tickFormatterFor } from "./ticks";

export type StatusPoint = { x: number; value: number; number: number; status: VersionStatus };

// Colours with at least 3:1 contrast on white (non-text graphics), shapes so colour is not the only cue.
const SERIES: { status: VersionStatus; name: string; fill: string; shape: "star" | "cross" | "diamond" | "circle" }[] = [
  { status: "champion", name: "champion", fill: "#1e7a3c", shape: "star" },
  { status: "candidate", name: "candidate", fill: "#2453a6", shape: "diamond" },
  { status: "archived", name: "archived", fill: "#5a6478", shape: "circle" },
  { status: "rejected", name: "rejected", fill: "#b3261e", shape: "cross" },
];

export function StatusChart({
  points,
  xLabel,
  yLabel,
  caption,
  xHeader,
}: {
  points: StatusPoint[];
  xLabel: string;
  yLabel: string;
  caption: string;
  xHeader: string;
}) {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.number - b.number);
  const byVersion = xHeader === "Version";
  const table = {
    headers: byVersion ? ["Version", yLabel, "Status"] : ["Version", xHeader, yLabel, "Status"],
    rows: sorted.map((p) =>
      byVersion ? [`v${p.number}`, formatMetric(p.value), p.status] : [`v${p.number}`, p.x, formatMetric(p.value), p.status],
    ),
  };
  return (
    <ChartFrame caption={caption} table={table}>
      <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 10 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="x"
          name={xLabel}
          domain={["dataMin", "dataMax"]}
          padding={{ left: 14, right: 14 }}
          allowDecimals={false}
          tick={AXIS_TICK}
          label={{ value: xLabel, position: "insideBottom", offset: -18 }}
        />
        <YAxis
          type="number"
          dataKey="value"
          name={yLabel}
          domain={["auto", "auto"]}
          tick={AXIS_TICK}
          tickFormatter={tickFormatterFor(points.map((p) => p.value))}
          label={yAxisLabel(yLabel)}
          width={Y_AXIS_WIDTH}
        />
        <Tooltip formatter={(value) => (typeof value === "number" ? formatMetric(value) : String(value))} />
        <Legend verticalAlign="top" height={28} />
        <Scatter
          name="all versions"
          data={sorted}
          line={{ stroke: "#9aa3b5", strokeWidth: 1.5 }}
          shape={() => <g />}
          legendType="none"
          isAnimationActive={false}
        />
        {SERIES.map((series) => {
          const data = sorted.filter((p) => p.status === series.status);
          return data.length ? (
            <Scatter
              key={series.status}
              name={series.name}
              data={data}
              fill={series.fill}
              // Marker area in px²: the champion's star larger than the rest.
              shape={(props: { cx?: number; cy?: number }) => (
                <Symbols cx={props.cx} cy={props.cy} type={series.shape} size={series.status === "champion" ? 420 : 130} fill={series.fill} />
              )}
              legendType={series.shape}
              isAnimationActive={false}
            />
          ) : null;
        })}
      </ScatterChart>
    </ChartFrame>
  );
}
