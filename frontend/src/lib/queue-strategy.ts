// The review queue's strategies (Project.queue_strategy; docs/learning.md): names shown in the settings
// form and, small, above the queue.
import type { components } from "@/lib/api/schema";

export type QueueStrategy = components["schemas"]["QueueStrategyEnum"];

export const QUEUE_STRATEGIES: { value: QueueStrategy; label: string; hint: string }[] = [
  { value: "least_confident", label: "Least confident", hint: "lowest top probability first" },
  { value: "margin", label: "Smallest margin", hint: "closest call between the two likeliest labels first" },
  { value: "entropy", label: "Highest entropy", hint: "probability spread over the most labels first" },
  { value: "diverse", label: "Diverse", hint: "the most uncertain of each cluster of similar texts in turn" },
  { value: "random", label: "Random", hint: "a fixed shuffle per project: the baseline" },
];

export function queueStrategyLabel(value: string | null | undefined): string {
  return QUEUE_STRATEGIES.find((s) => s.value === value)?.label ?? value ?? "";
}
