// The auditor's workspace (read-only): the hash chain's status, the filtered audit log one server-side
// page at a time, and exports of exactly what the filters select. All state is in the URL.
import { Link, useSearchParams } from "react-router-dom";

import { Button, ErrorMessage, Loading, Page } from "@/components/ui";
import { ApiError } from "@/lib/api/errors";
import { useProjects } from "@/lib/project";

import { useAuditEvents } from "./api/audit-events";
import { auditExportUrl } from "./api/audit-export";
import { AuditFiltersForm } from "./components/audit-filters";
import { AuditPager, lastPageOffset } from "./components/audit-pager";
import { AuditTable } from "./components/audit-table";
import { ChainStatus } from "./components/chain-status";
import { filterParams, hasFilters, readView, viewSearch, type AuditFilters, type AuditView } from "./filters";
import "./audit.css";

function ExportLinks({ filters, refused }: { filters: AuditFilters; refused: boolean }) {
  if (refused) {
    // The export takes the same filters; the API would refuse it the same way.
    return (
      <div className="row audit-export" role="group" aria-label="Export">
        <Button disabled>Export CSV</Button>
        <Button disabled>Export JSON</Button>
        <span className="small muted">Fix the filters to export.</span>
      </div>
    );
  }
  const scope = hasFilters(filters) ? "the filtered events" : "all events you can see";
  return (
    <div className="row audit-export" role="group" aria-label="Export">
      <a className="btn" href={auditExportUrl("csv", filters)} download title={`Download ${scope} as CSV`}>
        Export CSV
      </a>
      <a className="btn" href={auditExportUrl("json", filters)} download title={`Download ${scope} as JSON`}>
        Export JSON
      </a>
    </div>
  );
}

function ProjectModelsLink({ slug }: { slug: string }) {
  const { data: projects } = useProjects();
  const name = projects?.find((p) => p.slug === slug)?.name ?? slug;
  return (
    <p className="small">
      Model versions and model cards of this project: <Link to={`/projects/${slug}/versions`}>{name} → versions</Link>
    </p>
  );
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const view = readView(params);
  const events = useAuditEvents(view);
  const setView = (next: AuditView) => setParams(viewSearch(next));
  const applyFilters = (filters: AuditFilters) => setView({ ...filters, limit: view.limit, offset: 0 });
  const page = events.data;
  const loadingNext = events.isPlaceholderData && events.isFetching;
  const filtersRefused = events.error instanceof ApiError && events.error.status === 400;

  const pager = (compact: boolean) =>
    page && (
      <AuditPager
        offset={view.offset}
        limit={view.limit}
        count={page.count}
        compact={compact}
        onOffset={(offset) => setView({ ...view, offset })}
        onLimit={(limit) => setView({ ...view, limit, offset: Math.floor(view.offset / limit) * limit })}
      />
    );

  return (
    <Page title="Audit log" actions={<ExportLinks filters={view} refused={filtersRefused} />}>
      <div className="stack audit-page">
        <ChainStatus />
        <AuditFiltersForm key={filterParams(view).toString()} filters={view} onApply={applyFilters} />
        {view.project && <ProjectModelsLink slug={view.project} />}
        <ErrorMessage error={events.error} />
        {events.isPending && !events.error && <Loading label="Loading events…" />}
        {page && page.count === 0 && (
          <div className="card">
            <p>
              {hasFilters(view)
                ? "No events match these filters."
                : "No events yet, or none in the projects you are a member of."}
            </p>
          </div>
        )}
        {page && page.count > 0 && page.results.length === 0 && (
          <div className="card">
            <p>This page is past the last event.</p>
            <Button onClick={() => setView({ ...view, offset: lastPageOffset(page.count, view.limit) })}>
              Go to the last page
            </Button>
          </div>
        )}
        {page && page.results.length > 0 && (
          <>
            {pager(false)}
            <p className="small muted audit-loading-note" role="status" aria-live="polite">
              {loadingNext ? "Loading the next page…" : ""}
            </p>
            <AuditTable
              key={view.offset}
              events={page.results}
              busy={loadingNext}
              onFilterProject={(project) => applyFilters({ ...view, project })}
            />
            {pager(true)}
          </>
        )}
        <p className="small muted">
          Actors are keyed-HMAC pseudonyms; the actor filter accepts a username (or <code>system</code>) and converts it. Auditors see the events
          of their projects and events that belong to no project (sign-ins, user and role changes).
        </p>
      </div>
    </Page>
  );
}
