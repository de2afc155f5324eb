// The chosen images: thumbnail, name, size, boxes from the import file, and what happened to each.
import { memo } from "react";

import { Badge, Button } from "@/components/ui";

import { formatBytes } from "../limits";
import type { ImageEntry } from "./use-image-upload";

function boxesText(boxes: Record<string, unknown[]> | null, name: string): string {
  const list = boxes?.[name];
  if (!list) return "—";
  if (list.length === 0) return "nothing here";
  return `${list.length} box${list.length === 1 ? "" : "es"}`;
}

function Status({ entry }: { entry: ImageEntry }) {
  if (entry.problem) return <span className="file-flag">{entry.problem}</span>;
  if (entry.status === "stored") return <Badge tone="good">stored</Badge>;
  if (entry.status === "refused") return <span className="file-error">{entry.error}</span>;
  return <Badge>ready</Badge>;
}

type Props = {
  entries: ImageEntry[];
  boxes: Record<string, unknown[]> | null;
  disabled: boolean;
  onRemove: (key: string) => void;
};

// Memoised: progress updates re-render the form many times a second; the list of files does not change.
export const ImageFileTable = memo(function ImageFileTable({ entries, boxes, disabled, onRemove }: Props) {
  return (
    <div className="table-wrap image-files">
      <table>
        <caption className="visually-hidden">Chosen images</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Preview</span>
            </th>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Boxes</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.key} className={entry.problem || entry.error ? "row-problem" : undefined}>
              <td className="thumb-cell">
                {entry.preview ? (
                  <img className="thumb" src={entry.preview} alt="" loading="lazy" decoding="async" />
                ) : (
                  <span className="thumb thumb-empty" aria-hidden="true" />
                )}
              </td>
              <td className="mono file-name">{entry.file.name}</td>
              <td className="num">{formatBytes(entry.file.size)}</td>
              <td>{boxesText(boxes, entry.file.name)}</td>
              <td>
                <Status entry={entry} />
              </td>
              <td>
                <Button
                  variant="ghost"
                  disabled={disabled}
                  onClick={() => onRemove(entry.key)}
                  aria-label={`Remove ${entry.file.name}`}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
