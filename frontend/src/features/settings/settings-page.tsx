// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function SettingsPage() {
  return <Page title="SettingsPage">Not built yet.</Page>;
}
