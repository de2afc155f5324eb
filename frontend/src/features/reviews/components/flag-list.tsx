import type { ReviewFlag } from "../api/types";
import { describeFlag, flagBoxes, flagTone } from "../flags";

/** The reasons an answer was sent to the second review, in words. */
export function FlagList({ flags }: { flags: readonly ReviewFlag[] }) {
  if (flags.length === 0) return <p className="muted">No flags.</p>;
  return (
    <ul className="rv-flags" aria-label="Why this answer needs a second look">
      {flags.map((flag, index) => {
        const where = flagBoxes(flag);
        return (
          <li key={index} className={`rv-flag rv-flag-${flagTone(flag)}`}>
            <span className="rv-flag-text">{describeFlag(flag)}</span>
            {where && <span className="rv-flag-where">{where}</span>}
          </li>
        );
      })}
    </ul>
  );
}
