// Detection: the model's boxes (read only, with confidences) beside the reviewer's decision, an editor
// that starts from the model's boxes. The box editor is the one the queue and the second review use.
import { useMemo, useState } from "react";

import { BoxEditor, type EditorBox } from "@/components/box-editor";
import { Button, ErrorMessage } from "@/components/ui";

import { itemImageUrl, type Contest } from "../api";
import { boxCount, toEditorBoxes } from "../boxes";

type Props = {
  contest: Contest;
  labels: string[];
  /** Whether the decision differs from the model's boxes (the form works that out). */
  edited: boolean;
  /** The decision's boxes after each edit; null when started over from the model's. */
  onChange: (boxes: EditorBox[] | null) => void;
};

export function BoxDecision({ contest, labels, edited, onChange }: Props) {
  const model = useMemo(() => toEditorBoxes(contest.predicted_boxes), [contest.predicted_boxes]);
  const [generation, setGeneration] = useState(0); // bumps to reload the editor from the model's boxes
  const { item_width: width, item_height: height } = contest;
  if (!width || !height) {
    return <ErrorMessage error="This item has no image size, so its boxes cannot be edited: only the model's can be kept." />;
  }
  const image = { imageUrl: itemImageUrl(contest.item_id), width, height, labels, compactToolbar: true };
  return (
    <div className="contest-panels">
      <section className="contest-panel" aria-labelledby={`contest-model-${contest.id}`}>
        <header className="contest-panel-head">
          <h3 id={`contest-model-${contest.id}`}>The model's boxes</h3>
          <span className="muted small">{boxCount(model.length)}, with confidences</span>
        </header>
        <BoxEditor
          {...image}
          readOnly
          showHelp={false}
          initialBoxes={model}
          onChange={ignore}
          ariaLabel={`Model's boxes on item ${contest.item_id}`}
        />
      </section>
      <section className="contest-panel contest-panel-decision" aria-labelledby={`contest-decision-${contest.id}`}>
        <header className="contest-panel-head">
          <h3 id={`contest-decision-${contest.id}`}>Your decision</h3>
          <Button
            variant="ghost"
            className="contest-reset"
            disabled={!edited}
            onClick={() => {
              onChange(null);
              setGeneration((g) => g + 1);
            }}
          >
            Start over from the model's boxes
          </Button>
        </header>
        <BoxEditor
          {...image}
          key={generation}
          showHelp={false}
          initialBoxes={model}
          onChange={onChange}
          ariaLabel={`Decided boxes for item ${contest.item_id} (editable)`}
        />
        <p className="small muted">
          Move, resize, draw, relabel or delete boxes (keys: the editor's toolbar says which). Left as they are, the
          model's boxes are kept.
        </p>
      </section>
    </div>
  );
}

function ignore() {}
