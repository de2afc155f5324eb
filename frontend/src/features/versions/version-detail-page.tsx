// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function VersionDetailPage() {
  return <Page title="VersionDetailPage">Not built yet.</Page>;
}
