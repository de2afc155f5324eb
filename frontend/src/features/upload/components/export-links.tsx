// GET /projects/{slug}/export/?format=…: plain links, so the browser downloads with the session cookie.
import { EXPORT_FORMATS, exportUrl } from "../api/formats";

export function ExportLinks({ slug, task }: { slug: string; task: keyof typeof EXPORT_FORMATS }) {
  return (
    <section className="card stack" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p className="small muted">
        Each item carries its best known answer: the reviewed or accepted human answer, else the imported one. Every
        export is written to the audit log.
      </p>
      <ul className="export-list">
        {EXPORT_FORMATS[task].map((f) => (
          <li key={f.format}>
            <a className="btn" href={exportUrl(slug, f.format)} download>
              Download {f.name}
            </a>{" "}
            <span className="small muted">{f.description}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
