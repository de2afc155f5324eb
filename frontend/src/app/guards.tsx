import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation } from "react-router-dom";

import { ErrorMessage, Loading } from "@/components/ui";
import { can, type Permission } from "@/lib/auth/roles";
import { useMe } from "@/lib/auth/session";

export function RequireLogin({ children }: { children: ReactNode }) {
  const { data: me, isPending, error } = useMe();
  const location = useLocation();
  if (isPending) return <Loading />;
  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

/** Hides a page from roles that may not use it (the API refuses them anyway). */
export function RequirePermission({ permission }: { permission: Permission }) {
  const { data: me } = useMe();
  if (!me || !can(me.roles, permission)) {
    return (
      <div className="card" role="alert">
        <h2>No access</h2>
        <p>Your roles ({me?.roles.join(", ") || "none"}) do not include this page. Ask an admin if you need it.</p>
      </div>
    );
  }
  return <Outlet />;
}
