// Whole datasets in a standard format → POST /projects/{slug}/import/ (multipart format + file).
import { useState } from "react";

import { Field } from "@/components/ui/field";

import { IMPORT_FORMATS } from "../api/formats";
import { importProjectFile } from "../api/import-project";
import { ChosenFile } from "./chosen-file";
import { DropZone } from "./drop-zone";
import { UploadStatus } from "./upload-status";
import { useUpload } from "./use-upload";

type Task = keyof typeof IMPORT_FORMATS;

export function FormatImport({ slug, task }: { slug: string; task: Task }) {
  const formats = IMPORT_FORMATS[task];
  const [format, setFormat] = useState(formats[0].format);
  const [file, setFile] = useState<File | null>(null);
  const upload = useUpload();
  const info = formats.find((f) => f.format === format) ?? formats[0];
  const sending = upload.state.phase === "sending";

  return (
    <section className="card stack" aria-labelledby="format-import-title">
      <h2 id="format-import-title">Import a dataset</h2>
      <p className="small muted">
        {task === "object_detection"
          ? "Every image is imported into the pool. The labels in the file must already be in the project (append them in Settings first). To build a holdout set, upload images above with split = holdout."
          : "The same checks as a text upload; the labels in the file must already be in the project."}
      </p>
      <Field label="Format" hint={info.hint}>
        {(control) => (
          <select
            {...control}
            value={format}
            disabled={sending}
            onChange={(event) => {
              setFormat(event.target.value);
              upload.reset();
            }}
          >
            {formats.map((f) => (
              <option key={f.format} value={f.format}>
                {f.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <DropZone
        label={`Choose a ${info.name} file`}
        accept={info.accept}
        disabled={sending}
        onFiles={(files) => {
          setFile(files[0]);
          upload.reset();
        }}
      />
      {file && (
        <ChosenFile file={file} sending={sending} onSend={() => void upload.start(file.name, (options) => importProjectFile(slug, format, file, options))}>
          Import as {info.name}
        </ChosenFile>
      )}
      <UploadStatus upload={upload} label={`Importing ${file?.name ?? "the file"}`} />
    </section>
  );
}
