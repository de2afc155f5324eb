// A drop target with a real file input inside: the input is focusable (Tab, then Enter or Space opens
// the picker), so the zone works without a mouse; dropping is the shortcut, not the only way.
import { useId, useState, type ReactNode } from "react";

type Props = {
  label: string;
  hint?: ReactNode;
  accept?: string;
  multiple?: boolean;
  disabled?: boolean;
  onFiles: (files: File[]) => void;
};

export function DropZone({ label, hint, accept, multiple, disabled, onFiles }: Props) {
  const id = useId();
  const [over, setOver] = useState(false);
  return (
    <div
      role="group"
      aria-labelledby={`${id}-label`}
      className={`drop-zone${over ? " drop-zone-over" : ""}${disabled ? " drop-zone-disabled" : ""}`}
      onDragOver={(event) => {
        if (disabled) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (disabled) return;
        const files = Array.from(event.dataTransfer.files ?? []);
        if (files.length) onFiles(multiple ? files : files.slice(0, 1));
      }}
    >
      <input
        id={id}
        type="file"
        className="visually-hidden"
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = ""; // choosing the same file again still fires onChange
          if (files.length) onFiles(files);
        }}
      />
      <label htmlFor={id} className="btn btn-secondary" id={`${id}-label`}>
        {label}
      </label>
      <span className="muted">or drop {multiple ? "files" : "a file"} here</span>
      {hint && <div className="small muted drop-zone-hint">{hint}</div>}
    </div>
  );
}
