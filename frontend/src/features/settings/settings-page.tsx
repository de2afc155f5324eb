// Project settings (ml_engineer, admin): policies, labels (append-only), the Art. 30 record, members.
import { ErrorMessage, Loading, Page } from "@/components/ui";
import { MembersPanel } from "@/components/members/members-panel";
import { useCan } from "@/lib/auth/session";
import { useProject, useProjectSlug } from "@/lib/project";

import { SettingsForm } from "./components/settings-form";
import "./settings.css";

export function SettingsPage() {
  const slug = useProjectSlug();
  const { data: project, isPending, error } = useProject(slug);
  const canManage = useCan("manageProjects");
  if (isPending) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  return (
    <Page title="Settings">
      <div className="stack">
        <section className="card" aria-labelledby="settings-form-title">
          <h2 id="settings-form-title">Project settings</h2>
          <SettingsForm key={project.slug} project={project} />
        </section>
        <section className="card stack" aria-labelledby="members-title">
          <h2 id="members-title">Members</h2>
          <p className="small muted">
            Members see this project and its data; what each may do comes from their roles, which an admin sets.
          </p>
          <MembersPanel slug={slug} projectName={project.name} canManage={canManage} />
        </section>
      </div>
    </Page>
  );
}
