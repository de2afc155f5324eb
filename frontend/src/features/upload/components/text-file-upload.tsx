// Text projects: one CSV or JSONL file of texts → POST /projects/{slug}/items/ (all-or-nothing).
import { useState } from "react";


import { uploadTextFile } from "../api/import-items";
import { DropZone } from "./drop-zone";
import { ChosenFile } from "./chosen-file";
import { UploadStatus } from "./upload-status";
import { useUpload } from "./use-upload";

const TEXT_FILE = /\.(csv|jsonl|ndjson)$/i;

export function TextFileUpload({ slug, labels }: { slug: string; labels: string[] }) {
  const [file, setFile] = useState<File | null>(null);
  const [choiceError, setChoiceError] = useState<string | null>(null);
  const upload = useUpload();
  const sending = upload.state.phase === "sending";

  function choose(files: File[]) {
    const chosen = files[0];
    upload.reset();
    if (!TEXT_FILE.test(chosen.name)) {
      setFile(null);
      setChoiceError(`${chosen.name}: choose a .csv or .jsonl file.`);
      return;
    }
    setChoiceError(null);
    setFile(chosen);
  }

  return (
    <section className="card stack" aria-labelledby="text-upload-title">
      <h2 id="text-upload-title">Upload texts</h2>
      <div className="small upload-hint">
        <p>
          A <strong>CSV</strong> with a header row, or <strong>JSONL</strong> (one JSON object per line). Fields:{" "}
          <code>text</code> (required), <code>label</code>, <code>split</code>, <code>subject_ref</code>; any other
          column is refused.
        </p>
        <p>
          <strong>Split:</strong> rows go to the <em>pool</em> (trainable, and what annotators see in the queue) unless{" "}
          <code>split</code> says <code>holdout</code>: the fixed evaluation set, which needs a label and never trains.
          Labels must be one of: {labels.map((label, i) => (
            <span key={label}>
              {i > 0 && ", "}
              <code>{label}</code>
            </span>
          ))}.
        </p>
        <p>
          The import is all-or-nothing: one bad row refuses the whole file, and every bad row is listed. Texts
          already in the project are counted as duplicates and left unchanged.
        </p>
      </div>
      <DropZone label="Choose a CSV or JSONL file" accept=".csv,.jsonl,.ndjson" onFiles={choose} disabled={sending} />
      {choiceError && (
        <p className="alert alert-error" role="alert">
          {choiceError}
        </p>
      )}
      {file && (
        <ChosenFile file={file} sending={sending} onSend={() => void upload.start(file.name, (options) => uploadTextFile(slug, file, options))}>
          Import {file.name}
        </ChosenFile>
      )}
      <UploadStatus upload={upload} label={`Uploading ${file?.name ?? "the file"}`} />
    </section>
  );
}
