// The agent's cache: answers of read requests, per token, in memory only, bounded in bytes,
// least recently used first out. Keys start with the TokenId, so one token's entries are
// never another's, and all of a token's entries can be dropped at once.
import type { TokenId } from "./token-id.js";

export interface CachedAnswer {
  status: number;
  body: Buffer;
  etag: string | undefined;
  contentType: string | undefined;
}

export interface Entry extends CachedAnswer {
  tokenId: TokenId;
  /** "org/project" the answer is about, for invalidation after writes. */
  scope: string;
  /** When upstream last confirmed this answer (200 or 304), ms since the epoch. */
  confirmedAt: number;
}

/** What an entry costs besides its body (key, headers, bookkeeping), counted against the bound. */
const OVERHEAD_BYTES = 256;

export function entryKey(tokenId: TokenId, path: string): string {
  return `${tokenId} ${path}`;
}

export class CacheStore {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #generation = 0;

  constructor(readonly maxBytes: number) {}

  /** Changes whenever entries are dropped for a reason (a write, a rejected token): take it
   *  before asking upstream, and pass it to set(), so an answer that raced a drop is not kept. */
  get generation(): number {
    return this.#generation;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Marks the entry as recently used. */
  get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: Entry, generation = this.#generation): void {
    this.delete(key);
    if (generation !== this.#generation) return;
    const cost = costOf(key, entry);
    // One answer larger than an eighth of the cache would evict most of it: not kept.
    if (cost > this.maxBytes / 8) return;
    while (this.#bytes + cost > this.maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    this.#entries.set(key, entry);
    this.#bytes += cost;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= costOf(key, entry);
  }

  /** Every entry of one token (after upstream rejected it). */
  dropToken(tokenId: TokenId): number {
    return this.#dropWhere((entry) => entry.tokenId === tokenId);
  }

  /** Every token's entries about one project (after a write to it). */
  dropScope(scope: string): number {
    return this.#dropWhere((entry) => entry.scope === scope);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
    this.#bytes = 0;
  }

  #dropWhere(test: (entry: Entry) => boolean): number {
    this.#generation++;
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (!test(entry)) continue;
      this.delete(key);
      dropped++;
    }
    return dropped;
  }
}

function costOf(key: string, entry: Entry): number {
  return entry.body.length + key.length + OVERHEAD_BYTES;
}
