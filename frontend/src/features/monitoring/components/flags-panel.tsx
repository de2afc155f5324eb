// The raised flags: open ones first (what crossed which threshold, for which version, since when, and the
// retraining it queued), then those cleared during the window with the reason.
import { Link } from "react-router-dom";

import { Badge } from "@/components/ui";
import { formatWhen } from "@/lib/dates";

import type { Flag } from "../api";
import { FLAG_NAMES, flagMeasure } from "../format";

function FlagRow({ flag }: { flag: Flag }) {
  const open = flag.cleared_at == null;
  return (
    <li className={`flag ${open ? "flag-open" : ""}`}>
      <div className="row">
        <Badge tone={open ? "bad" : "neutral"}>{open ? "open" : "cleared"}</Badge>
        <strong>{FLAG_NAMES[flag.kind] ?? flag.kind}</strong>
        <span className="small">v{flag.model_version}</span>
        <span className="small mono">{flagMeasure(flag)}</span>
      </div>
      <div className="small muted">
        raised {formatWhen(flag.raised_at)}
        {flag.cleared_at && ` · cleared ${formatWhen(flag.cleared_at)}${flag.clear_reason ? `: ${flag.clear_reason}` : ""}`}
        {flag.training_run != null && (
          <>
            {" "}
            · queued <Link to={`../training?run=${flag.training_run}`}>training run #{flag.training_run}</Link>
          </>
        )}
      </div>
    </li>
  );
}

export function FlagsPanel({ open, recent }: { open: Flag[]; recent: Flag[] }) {
  const cleared = recent.filter((flag) => flag.cleared_at != null);
  return (
    <section className="card" aria-labelledby="flags-title">
      <h2 id="flags-title">Flags</h2>
      {open.length === 0 ? (
        <p className="alert alert-success">No open flags: every version is within the project's thresholds (or has too little data to judge).</p>
      ) : (
        <ul className="flags" aria-label="Open flags">
          {open.map((flag) => (
            <FlagRow key={flag.id} flag={flag} />
          ))}
        </ul>
      )}
      {cleared.length > 0 && (
        <details className="section-gap">
          <summary>{cleared.length} cleared during the window</summary>
          <ul className="flags">
            {cleared.map((flag) => (
              <FlagRow key={flag.id} flag={flag} />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
