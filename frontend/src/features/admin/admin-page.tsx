// Admin tools (admin only): users and roles via the Django admin, project membership, new projects.
import { Page } from "@/components/ui";

import { CreateProjectForm } from "./components/create-project-form";
import { DjangoAdminCard } from "./components/django-admin-card";
import { MembershipSection } from "./components/membership-section";
import "./admin.css";

export function AdminPage() {
  return (
    <Page title="Administration">
      <div className="stack">
        <DjangoAdminCard />
        <MembershipSection />
        <CreateProjectForm />
      </div>
    </Page>
  );
}
