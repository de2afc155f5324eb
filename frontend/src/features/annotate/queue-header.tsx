// The session's counters, which model version scored the item on screen, and what ordered the queue.
import { Badge } from "@/components/ui";
import { queueStrategyLabel } from "@/lib/queue-strategy";

import type { QueueEntry } from "./api/queue";
import { formatCount } from "./format";

type Props = {
  left: number | null;
  answered: number;
  entry: QueueEntry | null;
  champion: number | null;
  strategy?: { name: string; note: string } | null;
};

export function QueueHeader({ left, answered, entry, champion, strategy = null }: Props) {
  const older = entry && entry.scored_by_champion === false;
  return (
    <dl className="queue-counters">
      <div>
        <dt>Left in the queue</dt>
        <dd data-testid="queue-left">{left === null ? "…" : formatCount(left)}</dd>
      </div>
      <div>
        <dt>Answered this session</dt>
        <dd data-testid="session-answered">{formatCount(answered)}</dd>
      </div>
      {entry && (
        <div>
          <dt>Scored by</dt>
          <dd data-testid="scored-by">
            v{entry.model_version}{" "}
            {older && (
              <Badge tone="warn">
                older than the champion{champion !== null ? ` v${champion}` : ""}: re-scoring will update it
              </Badge>
            )}
          </dd>
        </div>
      )}
      {strategy && (
        <div className="queue-strategy">
          <dt>Order</dt>
          <dd data-testid="queue-strategy" title={strategy.note || undefined}>
            {queueStrategyLabel(strategy.name)}
            {strategy.note && <span className="muted"> (fallback)</span>}
          </dd>
        </div>
      )}
      {entry?.contested && (
        <div>
          <dt>Contested</dt>
          <dd data-testid="contested">
            <Badge tone="warn">someone objected to this prediction: a reviewer decides it</Badge>
          </dd>
        </div>
      )}
    </dl>
  );
}
