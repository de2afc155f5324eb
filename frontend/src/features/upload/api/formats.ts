// The standard formats each task imports and exports (docs/api.md, "Import and export").
import { API_BASE } from "@/lib/api/client";

type Task = "text_classification" | "object_detection";

export type FormatInfo = { format: string; name: string; accept: string; hint: string };

export const IMPORT_FORMATS: Record<Task, FormatInfo[]> = {
  object_detection: [
    { format: "yolo", name: "YOLO zip", accept: ".zip", hint: "data.yaml, images/ and labels/; classes are matched to labels by name." },
    { format: "coco_zip", name: "COCO zip", accept: ".zip", hint: "annotations.json and the images; iscrowd annotations are skipped." },
  ],
  text_classification: [
    { format: "csv", name: "CSV", accept: ".csv", hint: "Columns text, label, split, subject_ref (our own export's extra columns are accepted)." },
    { format: "jsonl", name: "JSONL", accept: ".jsonl,.ndjson", hint: "One JSON object per line with the same fields as the CSV." },
    { format: "labelstudio", name: "Label Studio JSON", accept: ".json", hint: "Text tasks; labels come from the latest annotation that was not cancelled." },
  ],
};

export const EXPORT_FORMATS: Record<Task, { format: string; name: string; description: string }[]> = {
  object_detection: [
    { format: "yolo", name: "YOLO zip", description: "images and labels, holdout in val/" },
    { format: "coco", name: "COCO JSON", description: "annotations only, without the images" },
    { format: "coco_zip", name: "COCO zip", description: "annotations.json with the images" },
    { format: "labelstudio", name: "Label Studio JSON", description: "every item, with the latest prediction" },
  ],
  text_classification: [
    { format: "csv", name: "CSV", description: "text, label, split, subject_ref, predicted, confidence" },
    { format: "jsonl", name: "JSONL", description: "the same fields, one object per line" },
    { format: "labelstudio", name: "Label Studio JSON", description: "every item, with the latest prediction" },
  ],
};

export function exportUrl(slug: string, format: string): string {
  return `${API_BASE}/projects/${encodeURIComponent(slug)}/export/?format=${encodeURIComponent(format)}`;
}
