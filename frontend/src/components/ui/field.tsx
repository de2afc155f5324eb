// A labelled form control with an optional hint and the API's error for it, wired for screen readers
// (aria-describedby, aria-invalid). The control is a render prop so any input, select or textarea fits.
import { useId, type ReactNode } from "react";

import "./field.css";

export type FieldControlProps = { id: string; "aria-describedby"?: string; "aria-invalid"?: true };

type Props = {
  label: ReactNode;
  hint?: ReactNode;
  /** One message or DRF's list of messages for this field. */
  error?: string | string[] | null;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
};

export function Field({ label, hint, error, className = "", children }: Props) {
  const id = useId();
  const messages = error == null ? [] : Array.isArray(error) ? error : [error];
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = messages.length ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field ${className}`.trim()}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-describedby": describedBy, ...(errorId ? { "aria-invalid": true as const } : {}) })}
      {messages.length > 0 && (
        <span className="field-error" id={errorId}>
          {messages.join(" ")}
        </span>
      )}
      {hint && <small id={hintId}>{hint}</small>}
    </div>
  );
}
