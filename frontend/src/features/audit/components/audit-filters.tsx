// The filter form. It edits a draft; "Apply" writes the filters to the URL (one history entry).
import { useState, type FormEvent } from "react";

import { Button } from "@/components/ui";
import { useProjects } from "@/lib/project";

import {
  ALL_KNOWN_ACTIONS,
  isoToLocalInput,
  KNOWN_ACTIONS,
  localInputToIso,
  type AuditFilters,
} from "../filters";

const OTHER = "__other__";

type Props = { filters: AuditFilters; onApply: (filters: AuditFilters) => void };

export function AuditFiltersForm({ filters, onApply }: Props) {
  const projects = useProjects();
  const [actionChoice, setActionChoice] = useState(
    !filters.action || ALL_KNOWN_ACTIONS.has(filters.action) ? filters.action : OTHER,
  );
  const [otherAction, setOtherAction] = useState(ALL_KNOWN_ACTIONS.has(filters.action) ? "" : filters.action);
  const [actor, setActor] = useState(filters.actor);
  const [project, setProject] = useState(filters.project);
  const [since, setSince] = useState(isoToLocalInput(filters.since));
  const [until, setUntil] = useState(isoToLocalInput(filters.until));

  // An unchanged field keeps the URL's exact value (seconds, time zone); an edited one is converted.
  const keepOrConvert = (value: string, original: string, endOfMinute: boolean) =>
    value === isoToLocalInput(original) && original ? original : localInputToIso(value, { endOfMinute });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      action: (actionChoice === OTHER ? otherAction : actionChoice).trim(),
      actor: actor.trim(),
      project,
      since: keepOrConvert(since, filters.since, false),
      until: keepOrConvert(until, filters.until, true),
    });
  };

  const clear = () => {
    setActionChoice("");
    setOtherAction("");
    setActor("");
    setProject("");
    setSince("");
    setUntil("");
    onApply({ action: "", actor: "", project: "", since: "", until: "" });
  };

  const projectList = projects.data ?? [];
  const unknownProject = project && !projectList.some((p) => p.slug === project);

  return (
    <form className="card audit-filters" onSubmit={submit} aria-label="Filter the audit log">
      <div className="audit-filter-grid">
        <label className="field">
          <span>Action</span>
          <select value={actionChoice} onChange={(e) => setActionChoice(e.target.value)}>
            <option value="">Any action</option>
            {KNOWN_ACTIONS.map((group) => (
              <optgroup key={group.group} label={group.group}>
                {group.actions.map((action) => (
                  <option key={action} value={action}>
                    {action}
                  </option>
                ))}
              </optgroup>
            ))}
            <option value={OTHER}>Other (type it)…</option>
          </select>
        </label>
        {actionChoice === OTHER && (
          <label className="field">
            <span>Other action</span>
            <input
              value={otherAction}
              onChange={(e) => setOtherAction(e.target.value)}
              placeholder="e.g. project.exported"
              spellCheck={false}
            />
          </label>
        )}
        <label className="field">
          <span>Actor</span>
          <input
            value={actor}
            onChange={(e) => setActor(e.target.value)}
            placeholder="username or pseudonym"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label className="field">
          <span>Project</span>
          <select value={project} onChange={(e) => setProject(e.target.value)} disabled={projects.isPending}>
            <option value="">All projects</option>
            {projectList.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name} ({p.slug})
              </option>
            ))}
            {unknownProject && <option value={project}>{project}</option>}
          </select>
        </label>
        <label className="field">
          <span>Since</span>
          <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label className="field">
          <span>Until</span>
          <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
      </div>
      <div className="row">
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
        <Button onClick={clear}>Clear</Button>
        <span className="small muted">
          Times are in your time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}); both ends are included.
        </span>
      </div>
    </form>
  );
}
