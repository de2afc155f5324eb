// The queue's first page, requested as soon as the route matches (from the route loader), in parallel
// with the session and project requests, so the first item does not wait for them (no waterfall).
import { fetchQueuePage, type QueuePage } from "./queue";

export const PAGE_SIZE = 20;
const FRESH_MS = 10_000;

type Pending = { slug: string; at: number; promise: Promise<QueuePage> };
let pending: Pending | null = null;

/** Starts the first page's request; errors are kept for the page to show, never thrown here. */
export function prefetchFirstPage(slug: string): void {
  if (pending && pending.slug === slug && Date.now() - pending.at < FRESH_MS) return;
  const promise = fetchQueuePage(slug, 0, PAGE_SIZE);
  // A failed prefetch (e.g. not logged in yet) is forgotten: the page asks again when it mounts.
  promise.catch(() => {
    if (pending?.promise === promise) pending = null;
  });
  pending = { slug, at: Date.now(), promise };
}

/** The prefetched first page for `slug` (once), or a new request when none is fresh. */
export function takeFirstPage(slug: string): Promise<QueuePage> {
  const hit = pending && pending.slug === slug && Date.now() - pending.at < FRESH_MS ? pending.promise : null;
  pending = null;
  return hit ?? fetchQueuePage(slug, 0, PAGE_SIZE);
}
