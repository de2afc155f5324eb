// The holdout confusion matrix as a heatmap table: rows are the true labels, columns the predicted
// ones; each cell's shade is its share of the row, so a class's mistakes read the same however
// many examples it has. Counts are printed in every cell; text stays readable on every shade.
import type { VersionMetrics } from "../api/types";

const DARK = [26, 63, 130]; // --primary-dark

function shade(share: number): { background: string; color: string } {
  const mix = DARK.map((c) => Math.round(255 + (c - 255) * share));
  const [r, g, b] = mix.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // White text needs (1.05)/(L+0.05) ≥ 4.5, i.e. L ≤ 0.183; otherwise dark text (#1b2333) is used.
  return { background: `rgb(${mix.join(",")})`, color: luminance <= 0.183 ? "#fff" : "#1b2333" };
}

export function ConfusionMatrix({ confusion }: { confusion: VersionMetrics["confusion_matrix"] }) {
  if (!confusion?.labels?.length) return <p className="muted">No confusion matrix recorded.</p>;
  const { labels, matrix } = confusion;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = labels.reduce((sum, _, i) => sum + (matrix[i]?.[i] ?? 0), 0);
  return (
    <div className="table-wrap">
      <table className="confusion">
        <caption className="small muted" style={{ captionSide: "bottom", textAlign: "left", paddingTop: "0.4rem" }}>
          {confusion.unit === "boxes"
            ? `Boxes on the holdout images, matched to the true boxes at IoU ≥ ${confusion.min_iou ?? 0.5} whatever their labels: rows are true labels, columns predicted labels; background is a true box missed (column) or a box with nothing there (row); shading is the share of the row. ${correct} of ${total} boxes right.`
            : `Confusion matrix on the holdout: rows are true labels, columns predicted labels; shading is the share of the row. ${correct} of ${total} correct.`}
        </caption>
        <thead>
          <tr>
            <td className="corner" />
            <th scope="colgroup" colSpan={labels.length} className="axis-label">
              Predicted label
            </th>
          </tr>
          <tr>
            <th scope="col" className="axis-label">
              True label
            </th>
            {labels.map((label) => (
              <th key={label} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((truth, i) => {
            const row = matrix[i] ?? [];
            const rowTotal = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={truth}>
                <th scope="row">{truth}</th>
                {labels.map((predicted, j) => {
                  const count = row[j] ?? 0;
                  const share = rowTotal ? count / rowTotal : 0;
                  return (
                    <td
                      key={predicted}
                      style={shade(share)}
                      title={`true ${truth}, predicted ${predicted}: ${count} (${Math.round(share * 100)}% of ${truth})`}
                    >
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
