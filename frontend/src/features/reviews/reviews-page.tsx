// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function ReviewsPage() {
  return <Page title="ReviewsPage">Not built yet.</Page>;
}
