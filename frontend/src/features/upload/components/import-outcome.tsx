// What an import did, or why nothing was imported, next to the file that was sent.
import { ApiError, errorMessage } from "@/lib/api/errors";

import type { ImportResult } from "../api/import-items";

export function ImportSummary({ result, fileName }: { result: ImportResult; fileName?: string }) {
  return (
    <div className="alert alert-success" role="status">
      <strong>{fileName ? `${fileName}: imported.` : "Imported."}</strong>
      <dl className="import-counts">
        <div>
          <dt>Created</dt>
          <dd>{result.created.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Duplicates (left unchanged)</dt>
          <dd>{result.duplicates.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Labelled</dt>
          <dd>{result.labelled.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Holdout</dt>
          <dd>{result.holdout.toLocaleString()}</dd>
        </div>
      </dl>
    </div>
  );
}

/** A refused import: the API's message and, when it sent them, every bad row as a table. */
export function ImportRefusal({ error, fileName }: { error: unknown; fileName: string }) {
  const rows = error instanceof ApiError ? error.rowErrors : [];
  const body = error instanceof ApiError ? (error.body as { error_count?: unknown } | null) : null;
  const total = typeof body?.error_count === "number" ? body.error_count : rows.length;
  return (
    <div className="alert alert-error import-refusal" role="alert">
      <p>
        <strong>
          <span className="mono">{fileName}</span>: Nothing was imported.
        </strong>{" "}
        {errorMessage(error)}
      </p>
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="small">
              {total > rows.length ? `The first ${rows.length} of ${total} errors` : `${rows.length} error${rows.length === 1 ? "" : "s"}`}{" "}
              in {fileName} (rows are file lines; the CSV header is line 1)
            </caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Row
                </th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr key={`${row.row}-${index}`}>
                  <td className="num">{row.row}</td>
                  <td>{row.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
