// Before the first model the review queue is empty (it lists predictions): the "first labels" list offers the
// pool texts no model has scored, in coverage order (cluster representatives first), each with the project's labels
// as buttons. Number keys label the marked text, as they choose a label in the queue; ↑/↓ move the mark.
import { useEffect, useRef, useState } from "react";

import { Button, ErrorMessage, Loading, Pager } from "@/components/ui";
import { ApiError, errorMessage } from "@/lib/api/errors";

import { FIRST_LABELS_PAGE, useColdStartPage, useFirstLabel, type ColdStartEntry } from "./api/first-labels";
import { formatCount } from "./format";
import { labelIndexForKey, shortcutKey } from "./label-choices";
import type { Shortcut } from "./shortcut-legend";
import { plain, useShortcuts } from "./use-shortcuts";

export const FIRST_LABEL_SHORTCUTS: Shortcut[] = [
  { keys: ["1", "…", "9", "0"], action: "label the marked text" },
  { keys: ["↑", "↓"], action: "mark the previous / next text" },
];

// retrainAfter: the project's retrain_min_feedback (0: no automatic retraining); first labels count toward it.
type Props = { slug: string; labels: string[]; retrainAfter: number };

export function FirstLabels({ slug, labels, retrainAfter }: Props) {
  const [offset, setOffset] = useState(0);
  const page = useColdStartPage(slug, offset, true);
  const label = useFirstLabel(slug, offset);
  // Texts labelled (or being labelled) leave the list at once; a failed one comes back with its error.
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [failed, setFailed] = useState<Record<number, string>>({});
  const [notice, setNotice] = useState("");
  const [labelled, setLabelled] = useState(0);
  const [mark, setMark] = useState(0);

  const entries = (page.data?.results ?? []).filter((entry) => !hidden.has(entry.item_id));
  const at = Math.min(mark, Math.max(entries.length - 1, 0));
  const count = page.data?.count ?? 0;

  useEffect(() => {
    // The last page emptied and nothing moved up into it: go back one page.
    if (page.data && !page.isFetching && offset > 0 && offset >= page.data.count) {
      setOffset(Math.max(0, offset - FIRST_LABELS_PAGE));
    }
  }, [page.data, page.isFetching, offset]);

  const give = (entry: ColdStartEntry, value: string) => {
    const id = entry.item_id;
    setHidden((ids) => new Set(ids).add(id));
    setFailed(({ [id]: _dropped, ...rest }) => rest);
    label.mutateAsync({ itemId: id, label: value }).then(
      () => setLabelled((n) => n + 1),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 409) {
          // Scored by a model or labelled by someone else meanwhile: it is no longer this list's to label.
          setNotice(`Text ${id} was not labelled: ${error.message}`);
          return;
        }
        setHidden((ids) => new Set([...ids].filter((other) => other !== id)));
        setFailed((errors) => ({ ...errors, [id]: errorMessage(error) }));
      },
    );
  };

  useShortcuts((event) => {
    if (!plain(event) || !entries.length) return false;
    const index = labelIndexForKey(event.key);
    if (index !== null) {
      if (index >= labels.length) return false;
      if (!event.repeat) give(entries[at], labels[index]);
      return true;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      setMark(Math.max(0, Math.min(entries.length - 1, at + (event.key === "ArrowDown" ? 1 : -1))));
      return true;
    }
    return false;
  });

  return (
    <section className="first-labels" aria-labelledby="first-labels-title">
      <h2 id="first-labels-title">First labels</h2>
      <p className="first-labels-why">
        {retrainAfter > 0
          ? `No model yet: these texts cover the pool, label them first. The first model trains by itself once ` +
            `${formatCount(retrainAfter)} texts have new labels; an ML engineer can also start it from the Training page.`
          : "No model yet: these texts cover the pool, label them first; an ML engineer trains the first model from " +
            "the Training page."}
      </p>
      <p className="muted small" data-testid="first-labels-counts">
        {formatCount(count)} to label · {formatCount(labelled)} labelled this session
      </p>
      {notice && <p className="alert alert-info">{notice}</p>}
      {body()}
    </section>
  );

  function body() {
    if (page.isPending) return <Loading label="Loading the texts to label…" />;
    if (page.error) return <ErrorMessage error={page.error} title="The texts to label could not be loaded:" />;
    if (!entries.length) {
      if (page.isFetching) return <Loading label="Loading more texts…" />;
      return (
        <div className="card empty-queue">
          <h3>Nothing left to label here</h3>
          <p className="muted">
            Every pool text has a label. An ML engineer trains the first model from the Training page; its
            predictions then fill the review queue.
          </p>
        </div>
      );
    }
    return (
      <>
        <ol className="first-labels-list">
          {entries.map((entry, i) => (
            <FirstLabelItem
              key={entry.item_id}
              entry={entry}
              labels={labels}
              marked={i === at}
              error={failed[entry.item_id]}
              onLabel={(value) => {
                setMark(i);
                give(entry, value);
              }}
            />
          ))}
        </ol>
        <Pager offset={offset} limit={FIRST_LABELS_PAGE} count={count} onChange={setOffset} />
      </>
    );
  }
}

type ItemProps = {
  entry: ColdStartEntry;
  labels: string[];
  marked: boolean;
  error?: string;
  onLabel: (label: string) => void;
};

function FirstLabelItem({ entry, labels, marked, error, onLabel }: ItemProps) {
  const root = useRef<HTMLLIElement>(null);
  // The keys act on the marked text, so it stays in view as the mark moves down the page.
  useEffect(() => {
    if (marked) root.current?.scrollIntoView?.({ block: "nearest" });
  }, [marked]);
  return (
    <li
      ref={root}
      className={marked ? "first-label card is-marked" : "first-label card"}
      aria-current={marked || undefined}
    >
      <blockquote className="first-label-text">{entry.text}</blockquote>
      <div className="first-label-choices" role="group" aria-label={`Label text ${entry.item_id}`}>
        {labels.map((value, index) => {
          const key = shortcutKey(index);
          return (
            <Button key={value} onClick={() => onLabel(value)}>
              {key && <kbd aria-hidden="true">{key}</kbd>} {value}
            </Button>
          );
        })}
      </div>
      {error && (
        <p className="alert alert-error" role="alert">
          Not labelled: {error}
        </p>
      )}
    </li>
  );
}
