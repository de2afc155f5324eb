// Detection, read only: the decided boxes of a decided contest, or the model's boxes of an open one
// for those who follow contests without deciding them.
import { BoxEditor } from "@/components/box-editor";

import { itemImageUrl, type Contest } from "../api";
import { boxCount, decidedBoxes, toEditorBoxes } from "../boxes";

export function ContestBoxes({ contest, labels }: { contest: Contest; labels: string[] }) {
  const decided = contest.status !== "open" && contest.decided_boxes != null;
  const boxes = toEditorBoxes(decided ? contest.decided_boxes : contest.predicted_boxes);
  const { item_width: width, item_height: height } = contest;
  if (!width || !height) return null;
  const name = decided ? `Decided boxes on item ${contest.item_id}` : `Model's boxes on item ${contest.item_id}`;
  return (
    <figure className="contest-figure">
      <BoxEditor
        imageUrl={itemImageUrl(contest.item_id)}
        width={width}
        height={height}
        labels={labels}
        readOnly
        compactToolbar
        showHelp={false}
        initialBoxes={boxes}
        onChange={ignore}
        ariaLabel={name}
      />
      <figcaption className="small muted">
        {decided ? `The decision: ${decidedBoxes(boxes.length)}` : `The model's ${boxCount(boxes.length)}`}
      </figcaption>
    </figure>
  );
}

function ignore() {}
