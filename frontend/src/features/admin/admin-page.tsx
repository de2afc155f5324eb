// Admin tools: users and roles via the Django admin (admins), project membership and new projects
// (admins and ML engineers, as the API allows).
import { Page } from "@/components/ui";
import { useCan } from "@/lib/auth/session";

import { CreateProjectForm } from "./components/create-project-form";
import { DjangoAdminCard } from "./components/django-admin-card";
import { MembershipSection } from "./components/membership-section";
import "./admin.css";

export function AdminPage() {
  const isAdmin = useCan("administer");
  return (
    <Page title={isAdmin ? "Administration" : "Manage projects"}>
      <div className="stack">
        {isAdmin && <DjangoAdminCard />}
        <MembershipSection />
        <CreateProjectForm />
      </div>
    </Page>
  );
}
