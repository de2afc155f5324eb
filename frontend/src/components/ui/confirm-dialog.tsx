import { useEffect, useRef, useState, type ReactNode } from "react";

import { Button } from "./button";

type Props = {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Ask for a reason (a text area); `requireReason` makes it mandatory. */
  reason?: boolean;
  requireReason?: boolean;
  busy?: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
};

/** A modal confirmation on the native <dialog>: focus trapped, Esc cancels. */
export function ConfirmDialog(props: Props) {
  const { open, title, children, confirmLabel, danger, reason, requireReason, busy, onConfirm, onCancel } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState("");

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setText("");
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);

  const blocked = busy || (requireReason && !text.trim());
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (!blocked) onConfirm(text.trim());
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        {children}
        {reason && (
          <label className="field">
            <span>Reason{requireReason ? " (required)" : " (optional)"}</span>
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={2000} />
          </label>
        )}
        <div className="dialog-actions">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant={danger ? "danger" : "primary"} disabled={blocked}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
