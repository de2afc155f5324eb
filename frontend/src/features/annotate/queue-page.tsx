// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function QueuePage() {
  return <Page title="QueuePage">Not built yet.</Page>;
}
