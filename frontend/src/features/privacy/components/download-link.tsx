// The access archive: a plain link (the browser streams it with the session cookie), once; after the
// click the list is read again so the request shows "downloaded".
import { useQueryClient } from "@tanstack/react-query";

import { downloadUrl, privacyKeys, type SubjectRequest } from "../api";

export function DownloadLink({ request }: { request: SubjectRequest }) {
  const client = useQueryClient();
  const url = downloadUrl(request);
  if (!url) return null;
  return (
    <a
      className="btn btn-primary privacy-download"
      href={url}
      download
      onClick={() => window.setTimeout(() => void client.invalidateQueries({ queryKey: privacyKeys.all }), 1500)}
    >
      Download the archive (once)
    </a>
  );
}
