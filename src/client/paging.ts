// Pure: assembling every secret from offset pages, and noticing when the set shifted between
// pages (then the result would be partial or duplicated, so it must not be returned).
import type { PullSecretsResult, Secret } from "./schemas.js";

export interface PageState {
  secrets: Secret[];
  seen: Set<string>;
  total: number | undefined;
}

export type PageVerdict = { next: "done" } | { next: "more"; offset: number } | { next: "inconsistent"; reason: string };

export function newPageState(): PageState {
  return { secrets: [], seen: new Set(), total: undefined };
}

/** Adds the page fetched at `offset` to `state` and says what to do next. */
export function addPage(state: PageState, offset: number, page: PullSecretsResult): PageVerdict {
  for (const secret of page.secrets) {
    if (state.seen.has(secret.key)) return { next: "inconsistent", reason: `key ${JSON.stringify(secret.key)} came twice` };
    state.seen.add(secret.key);
    state.secrets.push(secret);
  }
  const p = page.pagination;
  if (p === undefined) {
    // No pagination: the answer is the whole set, which only makes sense on the first page.
    return offset === 0 ? { next: "done" } : { next: "inconsistent", reason: "pagination vanished after the first page" };
  }
  if (state.total !== undefined && p.total !== state.total) return { next: "inconsistent", reason: `total went from ${state.total} to ${p.total}` };
  state.total = p.total;
  if (p.offset !== offset) return { next: "inconsistent", reason: `asked for offset ${offset}, got ${p.offset}` };
  const have = state.secrets.length;
  if (have === p.total) return { next: "done" };
  if (have > p.total) return { next: "inconsistent", reason: `got ${have} secrets, more than the total ${p.total}` };
  // A server may cap the page size below what we asked, but must then say so in `limit`.
  const expected = Math.min(p.limit, p.total - offset);
  if (page.secrets.length === 0 || page.secrets.length < expected) {
    return { next: "inconsistent", reason: `page at offset ${offset} has ${page.secrets.length} of ${expected} expected secrets` };
  }
  return { next: "more", offset: have };
}
