// The requests a privacy officer files, in words, with the article each answers.
import type { RequestKind } from "./api";

export type FilingKind = "access" | "access_user" | "erasure" | "restriction" | "restriction_lifted" | "rectification";

export const FILING_KINDS: { value: FilingKind; label: string; hint: string }[] = [
  { value: "access", label: "Access / portability (Art. 15, 20)", hint: "A zip of everything about the subject, downloadable once, by you." },
  { value: "access_user", label: "Access for a user (Art. 15, 20)", hint: "A zip of what an annotator or reviewer did (by user id)." },
  {
    value: "erasure",
    label: "Erasure (Art. 17)",
    hint: "Erases the subject's items from the database, object storage and future training data, and queues retraining. Cannot be undone.",
  },
  { value: "restriction", label: "Restriction (Art. 18)", hint: "Items are kept but leave queues, predictions and training." },
  { value: "restriction_lifted", label: "Lift a restriction (Art. 18)", hint: "The subject's items are processed again." },
  { value: "rectification", label: "Rectification (Art. 16)", hint: "Corrects a text item's content (by item id)." },
];

export const KIND_NAMES: Record<RequestKind, string> = {
  access: "access",
  erasure: "erasure",
  rectification: "rectification",
  restriction: "restriction",
  restriction_lifted: "restriction lifted",
  retention: "retention purge",
};
