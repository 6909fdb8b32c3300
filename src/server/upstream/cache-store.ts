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

/** What an entry costs besides its body, key and headers (bookkeeping), counted against the bound. */
const OVERHEAD_BYTES = 256;
/** Tokens and projects whose drops are remembered apart; past this, one drop stands for all. */
const MAX_GENERATIONS = 10_000;

/** Taken before asking upstream, given to set(): an answer that raced a drop of its token, its
 *  project or everything is not kept. Per token and per project, so another pod's rejected token
 *  or write never keeps everyone's answers out of the cache. */
export interface Stamp {
  all: number;
  token: number;
  scope: number;
}

export function entryKey(tokenId: TokenId, path: string): string {
  return `${tokenId} ${path}`;
}

export class CacheStore {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #generation = 0;
  readonly #tokenGenerations = new Map<TokenId, number>();
  readonly #scopeGenerations = new Map<string, number>();
  /** Entries held per token: a token with none was never confirmed by upstream (or was dropped). */
  readonly #perToken = new Map<TokenId, number>();

  constructor(readonly maxBytes: number) {}

  stamp(tokenId: TokenId, scope: string): Stamp {
    return {
      all: this.#generation,
      token: this.#tokenGenerations.get(tokenId) ?? 0,
      scope: this.#scopeGenerations.get(scope) ?? 0,
    };
  }

  /** Whether upstream accepted this token for an answer the cache still holds. */
  holdsToken(tokenId: TokenId): boolean {
    return this.#perToken.has(tokenId);
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry, without marking it used. */
  peek(key: string): Entry | undefined {
    return this.#entries.get(key);
  }

  /** Marks the entry as recently used. */
  get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: Entry, stamp: Stamp = this.stamp(entry.tokenId, entry.scope)): void {
    this.delete(key);
    const now = this.stamp(entry.tokenId, entry.scope);
    if (stamp.all !== now.all || stamp.token !== now.token || stamp.scope !== now.scope) return;
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
    this.#perToken.set(entry.tokenId, (this.#perToken.get(entry.tokenId) ?? 0) + 1);
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= costOf(key, entry);
    const held = (this.#perToken.get(entry.tokenId) ?? 1) - 1;
    if (held > 0) this.#perToken.set(entry.tokenId, held);
    else this.#perToken.delete(entry.tokenId);
  }

  /** Every entry of one token (after upstream rejected it). */
  dropToken(tokenId: TokenId): number {
    this.#bump(this.#tokenGenerations, tokenId);
    return this.#dropWhere((entry) => entry.tokenId === tokenId);
  }

  /** Every token's entries about one project (after a write to it). */
  dropScope(scope: string): number {
    this.#bump(this.#scopeGenerations, scope);
    return this.#dropWhere((entry) => entry.scope === scope);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
    this.#perToken.clear();
    this.#bytes = 0;
  }

  #bump<K>(generations: Map<K, number>, id: K): void {
    if (generations.size >= MAX_GENERATIONS && !generations.has(id)) {
      // Forgetting the others is safe only together with a drop that stands for all of them.
      generations.clear();
      this.#generation++;
    }
    generations.set(id, (generations.get(id) ?? 0) + 1);
  }

  #dropWhere(test: (entry: Entry) => boolean): number {
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
  // ETag and Content-Type are upstream's choice: a hostile upstream's 8 KiB ETags count too.
  return entry.body.length + key.length + (entry.etag?.length ?? 0) + (entry.contentType?.length ?? 0) + OVERHEAD_BYTES;
}
