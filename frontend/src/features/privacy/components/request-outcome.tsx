// What a request just filed did: its record (with the archive to download) or the rectified item.
import type { Rectified, SubjectRequest } from "../api";
import { DownloadLink } from "./download-link";
import { ResultSummary } from "./result-summary";

export function RequestOutcome({ result }: { result: SubjectRequest | Rectified }) {
  if (!("kind" in result)) {
    return (
      <div className="alert alert-success privacy-wide" role="status">
        Item #{result.id} corrected (new content hash <span className="mono">{result.content_hash.slice(0, 12)}…</span>).
      </div>
    );
  }
  return (
    <div className="alert alert-success privacy-wide" role="status">
      Request #{result.id} ({result.kind.replace(/_/g, " ")}): {result.status}. <ResultSummary result={result.result} />{" "}
      <DownloadLink request={result} />
    </div>
  );
}
