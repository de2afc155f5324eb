// Users and roles live in the Django admin: it creates users, sets passwords and assigns groups
// better than a copy of it here would.
import { Badge } from "@/components/ui";
import { ROLE_NAMES } from "@/lib/auth/roles";
import { useMe } from "@/lib/auth/session";

const ROLE_WORK: Record<string, string> = {
  annotator: "answers the review queue",
  reviewer: "gives the second review of flagged answers",
  ml_engineer: "uploads data, trains, promotes and rolls back models, creates projects",
  auditor: "reads the audit log, model cards and reviews; changes nothing",
  admin: "everything, in every project",
};

export function DjangoAdminCard() {
  const { data: me } = useMe();
  return (
    <section className="card stack" aria-labelledby="users-title">
      <h2 id="users-title">Users and roles</h2>
      <p>
        Users and their roles are managed in the <strong>Django admin</strong>, the better tool for it: there you create
        users, set or reset passwords, deactivate accounts and assign roles. This app then shows each person only the
        pages their roles allow (the API enforces the same rules).
      </p>
      <div className="row admin-links">
        <a className="btn btn-primary" href="/admin/auth/user/">
          Users in the Django admin
        </a>
        <a className="btn" href="/admin/auth/group/">
          Roles (groups) in the Django admin
        </a>
        <a className="btn" href="/admin/">
          Django admin home
        </a>
      </div>
      <p>
        <strong>Roles are Django groups.</strong> Put a user in one or more of these groups (a user has the
        permissions of every group they are in):
      </p>
      <dl className="role-list">
        {Object.entries(ROLE_NAMES).map(([group, name]) => (
          <div key={group}>
            <dt>
              <code>{group}</code> <span className="muted">({name})</span>
            </dt>
            <dd>{ROLE_WORK[group]}</dd>
          </div>
        ))}
      </dl>
      <p>
        To log in to the Django admin an account must be <strong>staff</strong> (“Staff status” on the user’s page);
        being in the <code>admin</code> group alone is not enough. Roles say what a person may do; project membership
        (below) says which projects’ data they see.
      </p>
      {me && (
        <p className="row">
          {me.is_staff ? (
            <Badge tone="good">Your account is staff: the links above work for you.</Badge>
          ) : (
            <Badge tone="warn">Your account is not staff: ask a superuser to tick “Staff status” for you.</Badge>
          )}
        </p>
      )}
    </section>
  );
}
