// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function AdminPage() {
  return <Page title="AdminPage">Not built yet.</Page>;
}
