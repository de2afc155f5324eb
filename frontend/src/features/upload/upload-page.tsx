// Placeholder until this feature is built.
import { Page } from "@/components/ui";

export function UploadPage() {
  return <Page title="UploadPage">Not built yet.</Page>;
}
