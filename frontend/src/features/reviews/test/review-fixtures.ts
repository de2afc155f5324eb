// Second-review entries shaped like GET /projects/{slug}/reviews/ (docs/api.md, Second review).
const base = {
  verdict: "correct",
  label: null,
  resolved_label: "",
  status: "pending_review",
  item_width: 160,
  item_height: 160,
  predicted_label: "",
  review: null,
};

export const flagged = {
  ...base,
  id: 96,
  prediction_id: 192,
  item_id: 3192,
  annotator: "annie",
  comment: "the model took a triangle for a circle",
  created_at: "2026-11-23T12:24:20.623283Z",
  boxes: [
    { label: "circle", x: 50, y: 16, w: 49, h: 48 },
    { label: "triangle", x: 97, y: 38, w: 53, h: 50 },
    { label: "triangle", x: 89, y: 9, w: 24, h: 23 },
  ],
  resolved_boxes: [
    { label: "circle", x: 50.0, y: 16.0, w: 49.0, h: 48.0 },
    { label: "triangle", x: 97.0, y: 38.0, w: 53.0, h: 50.0 },
    { label: "triangle", x: 89.0, y: 9.0, w: 24.0, h: 23.0 },
  ],
  predicted_boxes: [
    { label: "circle", x: 80, y: 40, w: 50, h: 40, confidence: 0.83 },
    { label: "square", x: 10, y: 100, w: 30, h: 30, confidence: 0.42 },
    { label: "square", x: 100, y: 110, w: 40, h: 40, confidence: 0.91 },
    { label: "circle", x: 52, y: 17, w: 48, h: 47, confidence: 0.77 },
  ],
  flags: [
    { flag: "label_changed", model_index: 0, human_index: 1, from: "circle", to: "triangle" },
    { flag: "low_overlap", model_index: 0, human_index: 1, iou: 0.161026, ciou: 0.048347 },
    { flag: "false_positive", model_index: 1, confidence: 0.42 },
    { flag: "confident_removal", model_index: 2, confidence: 0.91 },
    { flag: "missed", human_index: 2 },
  ],
};

export const flaggedLater = {
  ...base,
  id: 97,
  prediction_id: 193,
  item_id: 3193,
  annotator: "bob",
  comment: "",
  created_at: "2026-11-23T12:30:00.000000Z",
  boxes: [{ label: "square", x: 10, y: 10, w: 20, h: 20 }],
  resolved_boxes: [{ label: "square", x: 10.0, y: 10.0, w: 20.0, h: 20.0 }],
  predicted_boxes: [],
  flags: [{ flag: "missed", human_index: 0 }],
};

export const reviewed = {
  ...flaggedLater,
  id: 90,
  item_id: 3100,
  status: "reviewed",
  review: {
    label: "",
    boxes: [{ label: "square", x: 11.0, y: 10.0, w: 20.0, h: 20.0 }],
    notes: "tightened the box",
    reviewer: "rita",
    created_at: "2026-11-23T13:00:00.000000Z",
  },
};

export const textEntry = {
  ...base,
  id: 12,
  prediction_id: 40,
  item_id: 501,
  annotator: "annie",
  comment: "",
  created_at: "2026-11-23T12:00:00.000000Z",
  label: "account",
  resolved_label: "account",
  predicted_label: "billing",
  boxes: null,
  resolved_boxes: null,
  predicted_boxes: null,
  item_width: null,
  item_height: null,
  flags: [],
};
