// The labels as radio choices, each with its number key and the model's probability as a bar.
import { formatPercent } from "./format";

export function shortcutKey(index: number): string | null {
  if (index < 9) return String(index + 1);
  return index === 9 ? "0" : null;
}

/** The label index a number key selects (1…9, then 0 for the tenth), or null. */
export function labelIndexForKey(key: string): number | null {
  if (!/^[0-9]$/.test(key)) return null;
  return key === "0" ? 9 : Number(key) - 1;
}

type Props = {
  name: string;
  labels: string[];
  probabilities: Record<string, number>;
  predicted: string;
  selected: string;
  onSelect: (label: string) => void;
};

export function LabelChoices({ name, labels, probabilities, predicted, selected, onSelect }: Props) {
  return (
    <fieldset className="label-choices">
      <legend>Label</legend>
      {labels.map((label, index) => {
        const p = probabilities[label] ?? 0;
        const key = shortcutKey(index);
        const classes = ["label-choice", label === predicted && "is-predicted", label === selected && "is-selected"];
        return (
          <label key={label} className={classes.filter(Boolean).join(" ")}>
            <input
              type="radio"
              name={name}
              value={label}
              checked={label === selected}
              onChange={() => onSelect(label)}
            />
            {key ? <kbd aria-hidden="true">{key}</kbd> : <span className="kbd-none" aria-hidden="true" />}
            <span className="label-name">
              {label}
              {label === predicted && <span className="predicted-tag"> model</span>}
            </span>
            <span className="prob-bar" aria-hidden="true">
              <span className="prob-fill" style={{ width: `${Math.round(p * 100)}%` }} />
            </span>
            <span className="prob-value">{formatPercent(p)}</span>
          </label>
        );
      })}
    </fieldset>
  );
}
