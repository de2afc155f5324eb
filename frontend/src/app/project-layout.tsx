import { Navigate, NavLink, Outlet } from "react-router-dom";

import { Badge, ErrorMessage, Loading } from "@/components/ui";
import { StopControl } from "@/features/oversight/stop-control";
import { can, type Permission } from "@/lib/auth/roles";
import { useMe } from "@/lib/auth/session";
import { useProject, useProjectSlug } from "@/lib/project";

const TABS: { to: string; label: string; permission: Permission }[] = [
  { to: "queue", label: "Queue", permission: "giveFeedback" },
  { to: "reviews", label: "Reviews", permission: "readReviews" },
  { to: "upload", label: "Upload", permission: "importItems" },
  { to: "training", label: "Training", permission: "train" },
  { to: "versions", label: "Models", permission: "read" },
  { to: "contests", label: "Contests", permission: "readContests" },
  { to: "monitoring", label: "Monitoring", permission: "monitor" },
  { to: "settings", label: "Settings", permission: "manageProjects" },
];

export function ProjectLayout() {
  const slug = useProjectSlug();
  const { data: project, isPending, error } = useProject(slug);
  const { data: me } = useMe();
  const roles = me?.roles ?? [];
  if (isPending) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  return (
    <>
      <div className="project-title">
        {/* The page below has the one h1; the project is its context (and names the project menu). */}
        <p className="project-name">{project.name}</p>
        <Badge tone="info">{project.task === "object_detection" ? "object detection" : "text classification"}</Badge>
        <span className="muted small mono">{project.slug}</span>
        <StopControl project={project} />
      </div>
      <nav className="project-nav" aria-label={`Project ${project.name}`}>
        {TABS.filter((tab) => can(roles, tab.permission)).map((tab) => (
          <NavLink key={tab.to} to={tab.to}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}

const LANDING: [Permission, string][] = [
  ["giveFeedback", "queue"],
  ["train", "training"],
  ["readReviews", "reviews"],
];

/** /projects/:slug lands on the page the user's role works in. */
export function ProjectHome() {
  const { data: me } = useMe();
  const roles = me?.roles ?? [];
  const landing = LANDING.find(([permission]) => can(roles, permission));
  return <Navigate to={landing ? landing[1] : "versions"} replace />;
}
