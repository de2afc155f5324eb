// The one file chosen for an upload or import: its name, size, why it cannot be sent (too large), and the button.
import type { ReactNode } from "react";

import { Button } from "@/components/ui";

import { formatBytes, tooLarge } from "../limits";

export function ChosenFile({
  file,
  sending,
  onSend,
  children,
}: {
  file: File;
  sending: boolean;
  onSend: () => void;
  children: ReactNode; // the button's label
}) {
  const oversize = tooLarge(file);
  return (
    <div className="row">
      <span className="mono">{file.name}</span>
      <span className="muted small">{formatBytes(file.size)}</span>
      {oversize && <span className="file-flag">{oversize}</span>}
      <span className="spacer" />
      <Button variant="primary" disabled={sending || Boolean(oversize)} onClick={onSend}>
        {children}
      </Button>
    </div>
  );
}
