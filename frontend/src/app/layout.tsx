import { Link, NavLink, Outlet, useNavigate } from "react-router-dom";

import { Button } from "@/components/ui";
import { can, ROLE_NAMES } from "@/lib/auth/roles";
import { useLogout, useMe } from "@/lib/auth/session";

export function Layout() {
  const { data: me } = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const roles = me?.roles ?? [];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          HITL platform
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Projects
          </NavLink>
          {can(roles, "readAudit") && <NavLink to="/audit">Audit log</NavLink>}
          {can(roles, "handleSubjectRights") && <NavLink to="/privacy">Privacy requests</NavLink>}
          {can(roles, "manageProjects") && (
            <NavLink to="/admin-tools">{can(roles, "administer") ? "Admin" : "Manage projects"}</NavLink>
          )}
        </nav>
        <div className="user-box">
          <span>
            <strong>{me?.username}</strong>{" "}
            <span className="small">({roles.map((r) => ROLE_NAMES[r] ?? r).join(", ") || "no role"})</span>
          </span>
          <Button
            onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) })}
            disabled={logout.isPending}
          >
            Log out
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
