// The route table. Feature pages load lazily, so the first screen ships only the shell and the
// page it needs (the box editor and charts stay out of the initial bundle).
import type { RouteObject } from "react-router-dom";

import { LoginPage } from "@/features/auth/login-page";
import { ProjectListPage } from "@/features/projects/project-list-page";

import { RequireLogin, RequirePermission } from "./guards";
import { Layout } from "./layout";
import { NotFoundPage, RouteError } from "./route-error";
import { ProjectHome, ProjectLayout } from "./project-layout";

export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage />, errorElement: <RouteError /> },
  {
    element: (
      <RequireLogin>
        <Layout />
      </RequireLogin>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <ProjectListPage /> },
      {
        path: "audit",
        element: <RequirePermission permission="readAudit" />,
        children: [{ index: true, lazy: () => import("@/features/audit/audit-page").then((m) => ({ Component: m.AuditPage })) }],
      },
      {
        path: "privacy",
        element: <RequirePermission permission="handleSubjectRights" />,
        children: [{ index: true, lazy: () => import("@/features/privacy/privacy-page").then((m) => ({ Component: m.PrivacyPage })) }],
      },
      {
        path: "admin-tools",
        // ML engineers create projects and manage members too; the Django admin part is for admins.
        element: <RequirePermission permission="manageProjects" />,
        children: [{ index: true, lazy: () => import("@/features/admin/admin-page").then((m) => ({ Component: m.AdminPage })) }],
      },
      {
        path: "projects/:slug",
        element: <ProjectLayout />,
        children: [
          { index: true, element: <ProjectHome /> },
          {
            element: <RequirePermission permission="giveFeedback" />,
            children: [
              {
                path: "queue",
                // The loader only starts the queue request, so it runs beside the project's (no waterfall).
                lazy: () => import("@/features/annotate/queue-page").then((m) => ({ Component: m.QueuePage, loader: m.queueLoader })),
              },
            ],
          },
          {
            element: <RequirePermission permission="readReviews" />,
            children: [
              { path: "reviews", lazy: () => import("@/features/reviews/reviews-page").then((m) => ({ Component: m.ReviewsPage })) },
            ],
          },
          {
            element: <RequirePermission permission="importItems" />,
            children: [
              { path: "upload", lazy: () => import("@/features/upload/upload-page").then((m) => ({ Component: m.UploadPage })) },
            ],
          },
          {
            element: <RequirePermission permission="train" />,
            children: [
              { path: "training", lazy: () => import("@/features/training/training-page").then((m) => ({ Component: m.TrainingPage })) },
            ],
          },
          {
            element: <RequirePermission permission="manageProjects" />,
            children: [
              { path: "settings", lazy: () => import("@/features/settings/settings-page").then((m) => ({ Component: m.SettingsPage })) },
            ],
          },
          {
            element: <RequirePermission permission="readContests" />,
            children: [
              { path: "contests", lazy: () => import("@/features/contests/contests-page").then((m) => ({ Component: m.ContestsPage })) },
            ],
          },
          {
            element: <RequirePermission permission="monitor" />,
            children: [
              {
                path: "monitoring",
                lazy: () => import("@/features/monitoring/monitoring-page").then((m) => ({ Component: m.MonitoringPage })),
              },
            ],
          },
          { path: "versions", lazy: () => import("@/features/versions/versions-page").then((m) => ({ Component: m.VersionsPage })) },
          {
            path: "versions/:versionId",
            lazy: () => import("@/features/versions/version-detail-page").then((m) => ({ Component: m.VersionDetailPage })),
          },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
