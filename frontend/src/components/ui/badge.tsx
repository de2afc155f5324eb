import type { ReactNode } from "react";

type Tone = "neutral" | "good" | "warn" | "bad" | "info";

const STATUS_TONES: Record<string, Tone> = {
  champion: "good",
  succeeded: "good",
  accepted: "good",
  reviewed: "good",
  candidate: "info",
  running: "info",
  queued: "neutral",
  archived: "neutral",
  rejected: "bad",
  failed: "bad",
  pending_review: "warn",
  // Subject requests (privacy) and their cleanups.
  done: "good",
  ready: "info",
  downloaded: "neutral",
  withdrawn: "warn",
};

export function Badge({ tone, children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone ?? "neutral"}`}>{children}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONES[status] ?? "neutral"}>{status.replace(/_/g, " ")}</Badge>;
}
