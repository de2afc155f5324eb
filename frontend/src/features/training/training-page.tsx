// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function TrainingPage() {
  return <Page title="TrainingPage">Not built yet.</Page>;
}
