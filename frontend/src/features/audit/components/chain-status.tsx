// The hash chain's verification: verified (with the head hash) or broken at the first bad event.
import { Button, ErrorMessage, Loading } from "@/components/ui";

import { useChainReport } from "../api/audit-verify";

const checkedAt = (time: number) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(time));

export function ChainStatus() {
  const { data: report, error, isPending, isFetching, dataUpdatedAt, refetch } = useChainReport();

  const reverify = (
    <Button onClick={() => void refetch()} disabled={isFetching}>
      {isFetching ? "Verifying…" : "Re-verify"}
    </Button>
  );

  return (
    <section className="card chain-status" aria-labelledby="chain-status-title">
      <div className="row">
        <h2 id="chain-status-title">Hash chain</h2>
        <span className="spacer" />
        {reverify}
      </div>
      {isPending && <Loading label="Verifying the whole chain…" />}
      {error && !report && <ErrorMessage error={error} title="The chain could not be verified." />}
      {report?.ok && (
        <div className="chain-ok" role="status">
          <p>
            <strong>Chain verified:</strong> {report.events.toLocaleString()} events, head hash{" "}
            <code className="hash-full">{report.head_hash}</code>
          </p>
        </div>
      )}
      {report && !report.ok && (
        <div className="chain-broken" role="alert">
          <p className="chain-broken-title">
            <strong>
              Chain broken at event #{report.first_bad_seq?.toLocaleString() ?? "?"}
              {report.reason ? `: ${report.reason}` : ""}
            </strong>
          </p>
          <p>
            {report.events.toLocaleString()} events were read up to and including it. Events from #
            {report.first_bad_seq?.toLocaleString() ?? "?"} on cannot be trusted until the cause is found; see
            docs/operations.md on what a failure means. The last good hash is <code className="hash-full">{report.head_hash}</code>.
          </p>
        </div>
      )}
      {report && error && <ErrorMessage error={error} title="Re-verifying failed; showing the previous result." />}
      {report && (
        <p className="small muted">
          Checked {checkedAt(dataUpdatedAt)}. Verification reads the whole chain, including projects you are not a member
          of.
        </p>
      )}
    </section>
  );
}
