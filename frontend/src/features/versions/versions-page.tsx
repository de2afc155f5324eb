// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function VersionsPage() {
  return <Page title="VersionsPage">Not built yet.</Page>;
}
