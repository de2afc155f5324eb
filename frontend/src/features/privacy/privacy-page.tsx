// Data-subject requests (GDPR Art. 15–18, 20) for privacy officers and admins: file access, erasure,
// rectification and restriction requests, and follow every request with its status and result.
import "./privacy.css";

import { useSearchParams } from "react-router-dom";

import { ErrorMessage, Loading, Page, Pager } from "@/components/ui";
import { Field } from "@/components/ui/field";

import { REQUESTS_PAGE, useSubjectRequests, type RequestKind } from "./api";
import { RequestForm } from "./components/request-form";
import { RequestsTable } from "./components/requests-table";
import { KIND_NAMES } from "./kinds";

export function PrivacyPage() {
  const [search, setSearch] = useSearchParams();
  const kind = (search.get("kind") ?? "") as RequestKind | "";
  const offset = Math.max(0, Number(search.get("offset")) || 0);
  const requests = useSubjectRequests(kind, offset);
  const update = (next: { kind?: string; offset?: number }) => {
    const params = new URLSearchParams();
    const k = next.kind ?? kind;
    if (k) params.set("kind", k);
    if (next.offset) params.set("offset", String(next.offset));
    setSearch(params, { replace: true });
  };

  return (
    <Page title="Privacy requests">
      <section className="card" aria-labelledby="file-title">
        <h2 id="file-title">File a request</h2>
        <p className="small muted">
          A subject's items may lie in any project, so requests reach every project. Each one is recorded here and in the audit
          log, with the subject reference only as a keyed hash.
        </p>
        <RequestForm />
      </section>
      <section className="card" aria-labelledby="list-title">
        <div className="row privacy-list-head">
          <h2 id="list-title">Requests</h2>
          <span className="spacer" />
          <Field label="Kind" className="privacy-kind-filter">
            {(control) => (
              <select {...control} value={kind} onChange={(e) => update({ kind: e.target.value, offset: 0 })}>
                <option value="">all</option>
                {Object.entries(KIND_NAMES).map(([value, name]) => (
                  <option key={value} value={value}>
                    {name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {requests.isPending ? (
          <Loading label="Loading requests…" />
        ) : requests.error ? (
          <ErrorMessage error={requests.error} />
        ) : requests.data.count === 0 ? (
          <p className="muted">No requests{kind ? ` of this kind` : ""} yet.</p>
        ) : (
          <>
            <RequestsTable requests={requests.data.results} />
            <Pager offset={offset} limit={REQUESTS_PAGE} count={requests.data.count} onChange={(next) => update({ offset: next })} />
          </>
        )}
      </section>
    </Page>
  );
}
