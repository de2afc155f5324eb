// Membership of every project (an admin sees them all): who may see each project's data.
import { MembersPanel } from "@/components/members/members-panel";
import { Badge, ErrorMessage, Loading } from "@/components/ui";
import { useProjects } from "@/lib/project";

export function MembershipSection() {
  const { data: projects, isPending, error } = useProjects();
  return (
    <section className="card stack" aria-labelledby="membership-title">
      <h2 id="membership-title">Project membership</h2>
      <p className="small muted">
        A user sees only the projects they are a member of; membership does not grant roles. Add people by their
        username (create the user in the Django admin first).
      </p>
      {isPending && <Loading label="Loading projects…" />}
      <ErrorMessage error={error} />
      {projects && projects.length === 0 && <p className="muted">No projects yet: create one below.</p>}
      {projects?.map((project) => (
        <article key={project.slug} className="membership-project" aria-labelledby={`members-${project.slug}`}>
          <h3 id={`members-${project.slug}`}>
            {project.name} <span className="muted small mono">{project.slug}</span>{" "}
            <Badge tone="info">{project.task === "object_detection" ? "object detection" : "text classification"}</Badge>
          </h3>
          <MembersPanel slug={project.slug} projectName={project.name} canManage />
        </article>
      ))}
    </section>
  );
}
