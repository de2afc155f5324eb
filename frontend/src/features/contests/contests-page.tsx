// Contested predictions (GDPR Art. 21, 22(3)): someone objected to an automated decision, so a human
// decides instead. Reviewers and admins decide; auditors, ML engineers and privacy officers follow them.
import "./contests.css";

import { useSearchParams } from "react-router-dom";

import { ErrorMessage, Loading, Page } from "@/components/ui";
import { can } from "@/lib/auth/roles";
import { useMe } from "@/lib/auth/session";
import { useProject, useProjectSlug } from "@/lib/project";

import { useContests, type ContestFilter } from "./api";
import { ContestCard } from "./components/contest-card";

const FILTERS: { value: ContestFilter; label: string }[] = [
  { value: "open", label: "Open" },
  { value: "decided", label: "Decided" },
  { value: "all", label: "All" },
];

export function ContestsPage() {
  const slug = useProjectSlug();
  const project = useProject(slug);
  const { data: me } = useMe();
  const [search, setSearch] = useSearchParams();
  const status = (FILTERS.find((f) => f.value === search.get("status"))?.value ?? "open") as ContestFilter;
  const contests = useContests(slug, status);
  const canDecide = can(me?.roles ?? [], "review");

  const filter = (
    <div className="row" role="group" aria-label="Show contests">
      {FILTERS.map((f) => (
        <button
          key={f.value}
          type="button"
          className={`btn ${f.value === status ? "btn-primary" : "btn-secondary"}`}
          aria-pressed={f.value === status}
          onClick={() => setSearch(f.value === "open" ? {} : { status: f.value }, { replace: true })}
        >
          {f.label}
        </button>
      ))}
    </div>
  );

  return (
    <Page title="Contests" actions={filter}>
      <p className="muted small">
        A contest is an objection to a prediction (GDPR Art. 21 and 22(3)): a person decides instead of the model. Open
        contests also wait at the top of reviewers' queues.
      </p>
      {project.error && <ErrorMessage error={project.error} />}
      {contests.isPending || project.isPending ? (
        <Loading label="Loading contests…" />
      ) : contests.error ? (
        <ErrorMessage error={contests.error} />
      ) : contests.data.length === 0 ? (
        <p className="card muted">{status === "open" ? "No open contests." : "No contests."}</p>
      ) : (
        <div className="stack">
          {contests.data.map((contest) => (
            <ContestCard
              key={contest.id}
              slug={slug}
              contest={contest}
              labels={project.data?.labels ?? []}
              detection={project.data?.task === "object_detection"}
              canDecide={canDecide}
            />
          ))}
        </div>
      )}
    </Page>
  );
}
