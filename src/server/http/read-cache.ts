// Serialised answers of read routes, reused until the next change: pulling a large
// environment is then one buffer write instead of filter + sort + build + stringify.
// The answer of a read does not depend on who asks (authorization runs before), so one
// entry serves every token. Any change (or rollback) clears everything.
const MAX_ENTRIES = 256;

export class ReadCache {
  readonly #entries = new Map<string, Buffer>();
  #generation = 0;

  /** Take before computing an answer; pass to set() so a change in between is not cached over. */
  get generation(): number {
    return this.#generation;
  }

  get(key: string): Buffer | undefined {
    return this.#entries.get(key);
  }

  set(key: string, payload: Buffer, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, payload);
  }

  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
