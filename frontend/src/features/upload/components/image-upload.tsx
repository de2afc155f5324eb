// Detection projects: many images (drop or pick), optional boxes from a JSON file, split and
// subject_ref → POST /projects/{slug}/items/ in batches of at most 100 files.
import { useState } from "react";

import { Button, ProgressBar } from "@/components/ui";
import { Field } from "@/components/ui/field";

import { formatBytes, MAX_FILE_BYTES, MAX_FILES_PER_REQUEST, parseBoxesFile } from "../limits";
import { BatchList } from "./batch-list";
import { DropZone } from "./drop-zone";
import { ImageFileTable } from "./image-file-table";
import { ImportSummary } from "./import-outcome";
import { useImageUpload } from "./use-image-upload";

type BoxesFile = { name: string; boxes: Record<string, unknown[]> } | { name: string; error: string };

export function ImageUpload({ slug, labels }: { slug: string; labels: string[] }) {
  const images = useImageUpload(slug);
  const [boxesFile, setBoxesFile] = useState<BoxesFile | null>(null);
  const [split, setSplit] = useState<"pool" | "holdout">("pool");
  const [subjectRef, setSubjectRef] = useState("");

  const boxes = boxesFile && "boxes" in boxesFile ? boxesFile.boxes : null;
  const names = new Set(images.entries.map((e) => e.file.name));
  const unmatched = boxes ? Object.keys(boxes).filter((name) => !names.has(name)) : [];
  const pending = images.entries.filter((e) => e.status !== "stored");
  const flagged = images.entries.filter((e) => e.problem);
  const requests = Math.ceil(pending.length / MAX_FILES_PER_REQUEST);
  const totals = images.batches.reduce(
    (sum, b) =>
      b.result
        ? {
            created: sum.created + b.result.created,
            duplicates: sum.duplicates + b.result.duplicates,
            labelled: sum.labelled + b.result.labelled,
            holdout: sum.holdout + b.result.holdout,
          }
        : sum,
    { created: 0, duplicates: 0, labelled: 0, holdout: 0 },
  );
  const allStored = images.batches.length > 0 && images.batches.every((b) => b.status === "stored");

  async function chooseBoxes(file: File | undefined) {
    if (!file) return setBoxesFile(null);
    const parsed = parseBoxesFile(await file.text());
    setBoxesFile({ name: file.name, ...parsed });
  }

  return (
    <section className="card stack" aria-labelledby="image-upload-title">
      <h2 id="image-upload-title">Upload images</h2>
      <p className="small upload-hint">
        JPEG, PNG, WebP or BMP, up to {formatBytes(MAX_FILE_BYTES)} each. The API takes at most {MAX_FILES_PER_REQUEST}{" "}
        files per request, so larger sets are sent in batches of {MAX_FILES_PER_REQUEST}; each batch is stored
        all-or-nothing, and the first problem stops the upload and names the file. For thousands of images a YOLO or
        COCO zip (below) is quicker.
      </p>
      <DropZone label="Choose images" accept="image/*" multiple disabled={images.running} onFiles={images.add} />
      {images.skipped.length > 0 && (
        <p className="alert alert-info" role="status">
          Not added (a file of the same name is already in the list; boxes are matched by name):{" "}
          {images.skipped.join(", ")}
        </p>
      )}

      <div className="grid grid-3">
        <Field
          label="Boxes file (optional)"
          hint={
            <>
              A JSON object: file name → list of <code>{"{label, x, y, w, h}"}</code> in pixels, (x, y) = top-left;{" "}
              <code>[]</code> means nothing is here. Labels: {labels.join(", ")}.
            </>
          }
        >
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".json,application/json"
              disabled={images.running}
              onChange={(event) => void chooseBoxes(event.target.files?.[0])}
            />
          )}
        </Field>
        <Field label="Split" hint="Holdout images need their boxes in the boxes file ([] for an empty image).">
          {(control) => (
            <select
              {...control}
              value={split}
              disabled={images.running}
              onChange={(event) => setSplit(event.target.value as "pool" | "holdout")}
            >
              <option value="pool">pool — trainable, shown in the queue</option>
              <option value="holdout">holdout — fixed evaluation set</option>
            </select>
          )}
        </Field>
        <Field
          label="Subject reference (optional)"
          hint="A pseudonymous data-subject id for every image of this upload (for GDPR requests)."
        >
          {(control) => (
            <input
              {...control}
              value={subjectRef}
              maxLength={128}
              disabled={images.running}
              onChange={(event) => setSubjectRef(event.target.value)}
            />
          )}
        </Field>
      </div>
      {boxesFile && "error" in boxesFile && (
        <p className="alert alert-error" role="alert">
          {boxesFile.name}: {boxesFile.error}
        </p>
      )}
      {boxes && (
        <p className="small" role="status">
          {boxesFile?.name}: boxes for {Object.keys(boxes).length} file(s).
          {unmatched.length > 0 && ` Not among the chosen images, so not sent: ${unmatched.join(", ")}.`}
        </p>
      )}

      {images.entries.length > 0 && (
        <>
          <div className="row">
            <span>
              {images.entries.length} image{images.entries.length === 1 ? "" : "s"},{" "}
              {formatBytes(images.entries.reduce((sum, e) => sum + e.file.size, 0))}
              {pending.length > 0 && ` · ${pending.length} to send in ${requests} request${requests === 1 ? "" : "s"}`}
            </span>
            <span className="spacer" />
            {flagged.length > 0 && (
              <Button onClick={() => images.removeWhere((e) => Boolean(e.problem))} disabled={images.running}>
                Remove {flagged.length} flagged
              </Button>
            )}
            <Button onClick={images.clear} disabled={images.running}>
              Clear list
            </Button>
            {images.running ? (
              <Button onClick={images.cancel}>Cancel</Button>
            ) : (
              <Button
                variant="primary"
                disabled={pending.length === 0 || flagged.length > 0 || Boolean(boxesFile && "error" in boxesFile)}
                onClick={() => void images.run({ split, subjectRef, boxes })}
              >
                Upload {pending.length} image{pending.length === 1 ? "" : "s"}
              </Button>
            )}
          </div>
          {flagged.length > 0 && (
            <p className="alert alert-error" role="alert">
              {flagged.length} file{flagged.length === 1 ? " is" : "s are"} flagged below and would be refused; remove{" "}
              {flagged.length === 1 ? "it" : "them"} to upload.
            </p>
          )}
          {images.batches.length > 0 && (
            <ProgressBar label="Upload progress" value={images.progress.loaded} max={images.progress.total} />
          )}
          <BatchList batches={images.batches} />
          {allStored && <ImportSummary result={totals} />}
          <ImageFileTable
            entries={images.entries}
            boxes={boxes}
            disabled={images.running}
            onRemove={images.remove}
          />
        </>
      )}
    </section>
  );
}
