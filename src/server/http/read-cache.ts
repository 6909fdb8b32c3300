// Serialised answers of read routes, reused until the next change: pulling a large
// environment is then one buffer write instead of filter + sort + build + stringify.
// The answer of a read does not depend on who asks (authorization runs before), so one
// entry serves every token. Any change (or rollback) clears everything.
const MAX_BYTES = 32 * 1024 * 1024;

export class ReadCache {
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;
  #generation = 0;

  /** Take before computing an answer; pass to set() so a change in between is not cached over. */
  get generation(): number {
    return this.#generation;
  }

  get(key: string): Buffer | undefined {
    return this.#entries.get(key);
  }

  set(key: string, payload: Buffer, generation: number): void {
    if (generation !== this.#generation || this.#entries.has(key)) return;
    // Many distinct queries (searches, pages): start over rather than grow without bound.
    if (this.#bytes + payload.length > MAX_BYTES) this.#clear();
    this.#entries.set(key, payload);
    this.#bytes += payload.length;
  }

  invalidate(): void {
    this.#generation++;
    this.#clear();
  }

  #clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
