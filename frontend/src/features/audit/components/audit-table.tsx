// One page of audit events. Each row expands to its details (JSON), the full hashes and the UTC time.
import { Fragment, useState } from "react";
import { Link } from "react-router-dom";

import type { AuditEvent } from "../api/audit-events";

const localDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const localClock = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

function utc(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace("T", " ").replace("Z", " UTC");
}

function EventTime({ iso }: { iso: string }) {
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={utc(iso)}>
      {Number.isNaN(date.getTime()) ? (
        iso
      ) : (
        // Two unbreakable halves: on a narrow screen the time goes under the date, never split itself.
        <>
          <span className="nowrap">{localDate.format(date)},</span> <span className="nowrap">{localClock.format(date)}</span>
        </>
      )}
    </time>
  );
}

function EventObject({ event }: { event: AuditEvent }) {
  if (!event.object_type) return <span className="muted">–</span>;
  const text = `${event.object_type}${event.object_id ? ` #${event.object_id}` : ""}`;
  // A model version's page shows its model card.
  if (event.object_type === "training.modelversion" && event.project && event.object_id) {
    return <Link to={`/projects/${event.project}/versions/${event.object_id}`}>{text}</Link>;
  }
  return (
    <span>
      <DotBreaks text={text} />
    </span>
  );
}

/** "feedback.submitted" (an action, an object type) may break after its dot on a narrow screen, never inside a word. */
function DotBreaks({ text }: { text: string }) {
  const parts = text.split(".");
  return parts.map((part, index) => (
    <Fragment key={index}>
      {part}
      {index < parts.length - 1 && (
        <>
          .<wbr />
        </>
      )}
    </Fragment>
  ));
}

function ProjectCell({ slug, onFilter }: { slug: string; onFilter: (slug: string) => void }) {
  if (!slug) return <span className="muted">–</span>;
  return (
    <button type="button" className="audit-link-button" onClick={() => onFilter(slug)} title={`Show only ${slug}'s events`}>
      {slug}
    </button>
  );
}

function EventDetails({ event, id, colSpan }: { event: AuditEvent; id: string; colSpan: number }) {
  return (
    <tr id={id} className="audit-details-row">
      <td colSpan={colSpan}>
        <dl className="audit-details">
          <div>
            <dt>Time (UTC)</dt>
            <dd>
              <code>{utc(event.created_at)}</code>
            </dd>
          </div>
          <div>
            <dt>Actor pseudonym</dt>
            <dd>
              <code>{event.actor_ref}</code>
            </dd>
          </div>
          <div>
            <dt>Request id</dt>
            <dd>{event.request_id ? <code className="hash-full">{event.request_id}</code> : <span className="muted">none</span>}</dd>
          </div>
          <div>
            <dt>Hash</dt>
            <dd>
              <code className="hash-full">{event.hash}</code>
            </dd>
          </div>
          <div>
            <dt>Previous hash</dt>
            <dd>
              <code className="hash-full">{event.prev_hash}</code>
            </dd>
          </div>
          <div className="audit-details-json">
            <dt>Details</dt>
            <dd>
              <pre>{JSON.stringify(event.details ?? {}, null, 2)}</pre>
            </dd>
          </div>
        </dl>
      </td>
    </tr>
  );
}

// Request id and hash are hidden below ~1000 px wide (audit.css); each row's details show them in full.
const COLUMNS: { name: string; className?: string }[] = [
  { name: "Seq", className: "num" },
  { name: "Time" },
  { name: "Action" },
  { name: "Actor" },
  { name: "Project" },
  { name: "Object" },
  { name: "Request id", className: "audit-col-wide" },
  { name: "Hash", className: "audit-col-wide" },
  { name: "Details" },
];

export function AuditTable({
  events,
  busy,
  onFilterProject,
}: {
  events: AuditEvent[];
  busy: boolean;
  onFilterProject: (slug: string) => void;
}) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const toggle = (seq: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });

  return (
    <div className="table-wrap">
      <table className="audit-table" aria-busy={busy}>
        <caption className="audit-caption">Audit events in sequence order</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column.name} scope="col" className={column.className}>
                {column.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const expanded = open.has(event.seq);
            const detailsId = `audit-event-${event.seq}`;
            return (
              <Fragment key={event.seq}>
                <tr>
                  <td className="num">{event.seq}</td>
                  <td className="audit-time">
                    <EventTime iso={event.created_at} />
                  </td>
                  <td>
                    <code>
                      <DotBreaks text={event.action} />
                    </code>
                  </td>
                  <td>
                    <code className="audit-id" title={event.actor_ref}>{shorten(event.actor_ref, 12)}</code>
                    <div className="small muted">{event.actor_role}</div>
                  </td>
                  <td>
                    <ProjectCell slug={event.project} onFilter={onFilterProject} />
                  </td>
                  <td>
                    <EventObject event={event} />
                  </td>
                  <td className="small audit-col-wide">
                    {event.request_id ? (
                      <code className="audit-id" title={event.request_id}>
                        {event.request_id}
                      </code>
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td className="audit-col-wide">
                    <code className="audit-id" title={event.hash}>
                      {shorten(event.hash, 10)}
                    </code>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-ghost audit-btn-small"
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailsId : undefined}
                      aria-label={`${expanded ? "Hide" : "Show"} details of event ${event.seq}`}
                      onClick={() => toggle(event.seq)}
                    >
                      {expanded ? "Hide" : "Show"}
                    </button>
                  </td>
                </tr>
                {expanded && <EventDetails event={event} id={detailsId} colSpan={COLUMNS.length} />}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function shorten(value: string, length: number): string {
  return value.length > length + 1 ? `${value.slice(0, length)}…` : value;
}
