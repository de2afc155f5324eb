import { Button, ProgressBar } from "@/components/ui";

import { ImportRefusal, ImportSummary } from "./import-outcome";
import type { useUpload } from "./use-upload";

/** Progress while sending, then the result or the refusal. */
export function UploadStatus({ upload, label }: { upload: ReturnType<typeof useUpload>; label: string }) {
  const { state, cancel } = upload;
  switch (state.phase) {
    case "sending":
      return (
        <div className="row upload-progress">
          <div className="spacer">
            <ProgressBar label={label} value={state.loaded} max={state.total} />
          </div>
          <Button onClick={cancel}>Cancel</Button>
        </div>
      );
    case "done":
      return <ImportSummary result={state.result} fileName={state.fileName} />;
    case "failed":
      return <ImportRefusal error={state.error} fileName={state.fileName} />;
    case "cancelled":
      return (
        <p className="alert alert-info" role="status">
          Cancelled. An import is all-or-nothing, so nothing from this file was stored.
        </p>
      );
    default:
      return null;
  }
}
