import { Link } from "react-router-dom";

import { Badge, ErrorMessage, Loading, Page } from "@/components/ui";
import { can } from "@/lib/auth/roles";
import { useMe } from "@/lib/auth/session";
import { useProjects, type Project } from "@/lib/project";

function formatMetric(value: number | null | undefined): string {
  return value == null ? "–" : value.toFixed(3);
}

function ProjectCard({ project, roles }: { project: Project; roles: string[] }) {
  const champion = project.champion;
  return (
    <article className="card project-card">
      <h2>
        <Link to={`/projects/${project.slug}`}>{project.name}</Link>
      </h2>
      <div className="row small">
        <Badge tone="info">{project.task === "object_detection" ? "object detection" : "text classification"}</Badge>
        <span className="muted">{project.labels.length} labels</span>
      </div>
      <dl className="facts">
        <div>
          <dt>Champion</dt>
          <dd>
            {champion ? (
              <>
                v{champion.number}{" "}
                <span className="muted">
                  {champion.metric} {formatMetric(champion.value)}
                </span>
              </>
            ) : (
              <span className="muted">none yet</span>
            )}
          </dd>
        </div>
        <div>
          <dt>In the queue</dt>
          <dd>{project.queue_count.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Awaiting review</dt>
          <dd>{project.pending_reviews.toLocaleString()}</dd>
        </div>
      </dl>
      <div className="row">
        {can(roles, "giveFeedback") && (
          <Link className="btn btn-primary" to={`/projects/${project.slug}/queue`}>
            Annotate
          </Link>
        )}
        {can(roles, "review") && project.pending_reviews > 0 && (
          <Link className="btn" to={`/projects/${project.slug}/reviews`}>
            Review
          </Link>
        )}
        {can(roles, "train") && (
          <Link className="btn" to={`/projects/${project.slug}/training`}>
            Training
          </Link>
        )}
        <Link className="btn" to={`/projects/${project.slug}/versions`}>
          Models
        </Link>
      </div>
    </article>
  );
}

export function ProjectListPage() {
  const { data: projects, isPending, error } = useProjects();
  const { data: me } = useMe();
  const canCreate = me ? can(me.roles, "manageProjects") : false;
  return (
    <Page
      title="Projects"
      actions={
        canCreate && (
          <Link className="btn btn-primary" to="/admin-tools">
            New project
          </Link>
        )
      }
    >
      {isPending && <Loading />}
      <ErrorMessage error={error} />
      {projects && projects.length === 0 && (
        <div className="card">
          <p>You are not a member of any project yet. Ask an ML engineer or an admin to add you.</p>
        </div>
      )}
      {projects && projects.length > 0 && (
        <div className="grid grid-2">
          {projects.map((project) => (
            <ProjectCard key={project.slug} project={project} roles={me?.roles ?? []} />
          ))}
        </div>
      )}
    </Page>
  );
}
