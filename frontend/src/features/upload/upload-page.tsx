// Upload (ml_engineer, admin): texts or images into the pool, standard-format imports, exports.
import { ErrorMessage, Loading, Page } from "@/components/ui";
import { useProject, useProjectSlug } from "@/lib/project";

import { ExportLinks } from "./components/export-links";
import { FormatImport } from "./components/format-import";
import { ImageUpload } from "./components/image-upload";
import { TextFileUpload } from "./components/text-file-upload";
import "./upload.css";

export function UploadPage() {
  const slug = useProjectSlug();
  const { data: project, isPending, error } = useProject(slug);
  if (isPending) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  const labels = Array.isArray(project.labels) ? (project.labels as string[]) : [];
  return (
    <Page title="Upload and export">
      <div className="stack">
        {project.task === "object_detection" ? (
          <ImageUpload slug={slug} labels={labels} />
        ) : (
          <TextFileUpload slug={slug} labels={labels} />
        )}
        <FormatImport slug={slug} task={project.task} />
        <ExportLinks slug={slug} task={project.task} />
      </div>
    </Page>
  );
}
