// Pure: assembling every secret (or key) from offset pages, noticing when the set shifted between
// pages (then the result would be partial or duplicated, so it must not be returned), and
// bounding what a server can make a listing hold (docs/design/security.md, "Response size").
import { DEFAULT_MAX_RESPONSE_BYTES } from "./defaults.js";
import type { PaginationInfo } from "./schemas.js";

/** Most items one listing takes: far above any environment a process can be given (Linux
 *  accepts at most 6 MiB of environment, ≥ 12 bytes per variable), far below what exhausts us. */
export const MAX_LISTED_ITEMS = 100_000;
/** Most pages one listing takes: a server paging by 100 still reaches MAX_LISTED_ITEMS. */
export const MAX_LISTED_PAGES = 1_000;

export interface PageState<T extends { key: string }> {
  secrets: T[];
  seen: Set<string>;
  total: number | undefined;
  pages: number;
  /** Characters of keys and values held so far, and the most allowed. */
  chars: number;
  maxChars: number;
}

/** One page as the client returns it; a key listing passes its metas as `secrets`. */
export interface Page<T> {
  secrets: readonly T[];
  pagination?: PaginationInfo | undefined;
}

export type PageVerdict =
  | { next: "done" }
  | { next: "more"; offset: number }
  | { next: "inconsistent"; reason: string }
  | { next: "too-large"; reason: string };

/** `maxChars`: the whole listing holds no more than one answer of the response cap. */
export function newPageState<T extends { key: string }>(maxChars: number = DEFAULT_MAX_RESPONSE_BYTES): PageState<T> {
  return { secrets: [], seen: new Set(), total: undefined, pages: 0, chars: 0, maxChars };
}

/** Adds the page fetched at `offset` to `state` and says what to do next. */
export function addPage<T extends { key: string; value?: string }>(
  state: PageState<T>,
  offset: number,
  page: Page<T>,
): PageVerdict {
  state.pages += 1;
  const p = page.pagination;
  const announced = p?.total ?? page.secrets.length;
  if (announced > MAX_LISTED_ITEMS)
    return {
      next: "too-large",
      reason: `the server announces ${announced} items; secr-run reads at most ${MAX_LISTED_ITEMS}`,
    };
  for (const secret of page.secrets) {
    if (state.seen.has(secret.key))
      return { next: "inconsistent", reason: `key ${JSON.stringify(secret.key)} came twice` };
    state.seen.add(secret.key);
    state.secrets.push(secret);
    state.chars += secret.key.length + (secret.value?.length ?? 0);
  }
  if (state.chars > state.maxChars)
    return { next: "too-large", reason: `the listing exceeds ${state.maxChars} characters of keys and values` };
  if (p === undefined) {
    // No pagination: the answer is the whole set, which only makes sense on the first page.
    return offset === 0
      ? { next: "done" }
      : { next: "inconsistent", reason: "pagination vanished after the first page" };
  }
  if (state.total !== undefined && p.total !== state.total)
    return { next: "inconsistent", reason: `total went from ${state.total} to ${p.total}` };
  state.total = p.total;
  if (p.offset !== offset) return { next: "inconsistent", reason: `asked for offset ${offset}, got ${p.offset}` };
  const have = state.secrets.length;
  if (have === p.total) return { next: "done" };
  if (have > p.total) return { next: "inconsistent", reason: `got ${have} secrets, more than the total ${p.total}` };
  // A server may cap the page size below what we asked, but must then say so in `limit`.
  const expected = Math.min(p.limit, p.total - offset);
  if (page.secrets.length === 0 || page.secrets.length < expected) {
    return {
      next: "inconsistent",
      reason: `page at offset ${offset} has ${page.secrets.length} of ${expected} expected secrets`,
    };
  }
  if (state.pages >= MAX_LISTED_PAGES)
    return { next: "too-large", reason: `the listing needs more than ${MAX_LISTED_PAGES} pages` };
  return { next: "more", offset: have };
}
