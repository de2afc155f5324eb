// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function AuditPage() {
  return <Page title="AuditPage">Not built yet.</Page>;
}
