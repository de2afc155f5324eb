// Every subject request, newest first: kind, status, the subject's keyed hash, who filed it, what it
// reached, an erasure's deletions outside the database, and the access archive while it waits.
import { StatusBadge } from "@/components/ui";
import { formatWhen } from "@/lib/dates";

import type { SubjectRequest } from "../api";
import { KIND_NAMES } from "../kinds";
import { DownloadLink } from "./download-link";
import { ResultSummary } from "./result-summary";


function Cleanups({ cleanups }: { cleanups: SubjectRequest["cleanups"] }) {
  if (!cleanups.length) return null;
  return (
    <ul className="privacy-cleanups small">
      {cleanups.map((c, index) => (
        <li key={index}>
          {String(c.kind).replace(/_/g, " ")}: <StatusBadge status={String(c.status)} />
          {c.last_error ? <span className="muted"> {String(c.last_error)}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function RequestsTable({ requests }: { requests: SubjectRequest[] }) {
  return (
    <div className="table-wrap">
      <table className="privacy-table">
        <caption className="visually-hidden-inline">Subject requests, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Filed</th>
            <th scope="col" className="col-optional">Subject (hash)</th>
            <th scope="col" className="col-optional">By</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <tr key={request.id}>
              <td>{request.id}</td>
              <td>{KIND_NAMES[request.kind] ?? request.kind}</td>
              <td>
                <StatusBadge status={request.status} />
              </td>
              <td className="nowrap">{formatWhen(request.created_at)}</td>
              <td className="mono small col-optional" title={request.subject_hash}>
                {request.subject_user != null ? `user #${request.subject_user}` : request.subject_hash ? `${request.subject_hash.slice(0, 10)}…` : "–"}
              </td>
              <td className="col-optional">{request.requested_by ?? "system"}</td>
              <td>
                <ResultSummary result={request.result} />
                {request.downloaded_at && <div className="small muted">downloaded {formatWhen(request.downloaded_at)}</div>}
                <Cleanups cleanups={request.cleanups} />
                <DownloadLink request={request} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
