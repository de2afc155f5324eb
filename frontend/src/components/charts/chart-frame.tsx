// A chart with what makes it readable without seeing it: a caption, and the plotted numbers as a
// table that screen readers find (and anyone can open). Imported by lazy pages only (versions, monitoring),
// so recharts stays out of the first bundle.
import "./charts.css";

import { useId, type ReactElement, type ReactNode } from "react";
import { ResponsiveContainer } from "recharts";

export type DataTable = { headers: string[]; rows: (string | number)[][] };

export function ChartFrame({
  caption,
  height = 280,
  table,
  children,
}: {
  caption: ReactNode;
  height?: number;
  table: DataTable;
  children: ReactElement;
}) {
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <div className="chart-canvas" aria-hidden="true">
        <ResponsiveContainer width="100%" height={height} minWidth={0} initialDimension={{ width: 600, height }}>
          {children}
        </ResponsiveContainer>
      </div>
      <figcaption id={`${id}-caption`} className="small muted">
        {caption}
      </figcaption>
      <details className="chart-data">
        <summary>Data as a table</summary>
        <div className="table-wrap">
          <table aria-labelledby={`${id}-caption`}>
            <thead>
              <tr>
                {table.headers.map((header) => (
                  <th key={header} scope="col">
                    {header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, column) => (
                    <td key={column} className={typeof cell === "number" ? "num" : undefined}>
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
