import type { RefObject } from "react";

/** The optional comment of an answer. `C` focuses it (the page's shortcut), Esc hands the keys back to `back`. */
export function CommentField({
  value,
  onChange,
  inputRef,
  back,
}: {
  value: string;
  onChange: (value: string) => void;
  inputRef: RefObject<HTMLInputElement | null>;
  back: RefObject<HTMLElement | null>;
}) {
  return (
    <label className="field comment-field">
      <span>
        Comment <small>(optional; <kbd>C</kbd> to write, <kbd>Esc</kbd> to leave)</small>
      </span>
      <input
        ref={inputRef}
        value={value}
        maxLength={5000}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") back.current?.focus({ preventScroll: true });
        }}
      />
    </label>
  );
}
