export { BoxEditor, type BoxEditorProps } from "./box-editor";
export { labelColor } from "./colors";
export type { EditorBox } from "./types";
export { formatConfidence } from "./format";
export { normalizeBox } from "./geometry";
