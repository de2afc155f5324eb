// The keyboard map, always on screen: a whole session never needs the mouse.
export type Shortcut = { keys: string[]; action: string };

export const TEXT_SHORTCUTS: Shortcut[] = [
  { keys: ["A"], action: "accept the model's label" },
  { keys: ["1", "…", "9", "0"], action: "choose a label" },
  { keys: ["↑", "↓"], action: "move the choice" },
  { keys: ["Enter"], action: "submit the choice and go on" },
  { keys: ["S"], action: "skip (it comes back at the end)" },
  { keys: ["←", "B", "Backspace"], action: "back to your previous answer" },
  { keys: ["→"], action: "forward again, keeping the answer" },
  { keys: ["C"], action: "write a comment (Esc leaves it)" },
];

export function ShortcutLegend({ shortcuts, title = "Keyboard" }: { shortcuts: Shortcut[]; title?: string }) {
  return (
    <section className="shortcut-legend card" aria-labelledby="shortcut-legend-title">
      <h2 id="shortcut-legend-title">{title}</h2>
      <dl>
        {shortcuts.map((shortcut) => (
          <div key={shortcut.action}>
            <dt>
              {shortcut.keys.map((key, i) =>
                key === "…" ? (
                  <span key={i}>…</span>
                ) : (
                  <kbd key={i}>{key}</kbd>
                ),
              )}
            </dt>
            <dd>{shortcut.action}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
