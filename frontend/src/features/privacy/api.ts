// Data-subject requests (GDPR Art. 15–18, 20; docs/privacy.md): file one, list them, download an archive.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type SubjectRequest = components["schemas"]["SubjectRequestOutput"];
export type RequestKind = SubjectRequest["kind"];

export const privacyKeys = {
  all: ["privacy-requests"] as const,
  list: (kind: RequestKind | "", offset: number) => ["privacy-requests", kind, offset] as const,
};

export const REQUESTS_PAGE = 20;

export function useSubjectRequests(kind: RequestKind | "", offset: number) {
  return useQuery({
    queryKey: privacyKeys.list(kind, offset),
    queryFn: () =>
      unwrap(api.GET("/api/v1/privacy/requests/", { params: { query: { kind: kind || undefined, offset, limit: REQUESTS_PAGE } } })),
    placeholderData: keepPreviousData,
  });
}

/** What a privacy officer files. Rectification answers with the item, the others with a SubjectRequest. */
export type Filing =
  | { kind: "access"; subject_ref: string }
  | { kind: "access_user"; user: number }
  | { kind: "erasure" | "restriction" | "restriction_lifted"; subject_ref: string }
  | { kind: "rectification"; item: number; text: string };

export type Rectified = components["schemas"]["RectifyOutput"];

function file(filing: Filing): Promise<SubjectRequest | Rectified> {
  switch (filing.kind) {
    case "access":
      return unwrap(api.POST("/api/v1/privacy/access/", { body: { subject_ref: filing.subject_ref } }));
    case "access_user":
      return unwrap(api.POST("/api/v1/privacy/access/", { body: { user: filing.user } }));
    case "erasure":
      return unwrap(api.POST("/api/v1/privacy/erasures/", { body: { subject_ref: filing.subject_ref } }));
    case "restriction":
      return unwrap(api.POST("/api/v1/privacy/restrictions/", { body: { subject_ref: filing.subject_ref } }));
    case "restriction_lifted":
      return unwrap(api.POST("/api/v1/privacy/restrictions/lift/", { body: { subject_ref: filing.subject_ref } }));
    case "rectification":
      return unwrap(
        api.POST("/api/v1/privacy/items/{item_id}/rectify/", { params: { path: { item_id: filing.item } }, body: { text: filing.text } }),
      );
  }
}

export function useFileRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: file,
    onSuccess: () => client.invalidateQueries({ queryKey: privacyKeys.all }),
  });
}

/** The archive's URL: a plain link, so the browser streams it with the session cookie. */
export const downloadUrl = (request: SubjectRequest) => (request.download_url ? `${window.location.origin}${request.download_url}` : null);
