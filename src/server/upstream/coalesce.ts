// Identical requests in flight become one: the first caller's work is shared by every caller
// with the same key until it settles. The key includes the TokenId, so only requests of one
// token ever share an answer.
export class Coalescer<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  get size(): number {
    return this.#inFlight.size;
  }

  has(key: string): boolean {
    return this.#inFlight.has(key);
  }

  /** `joined` is true when the caller got a share of work already in flight. */
  run(key: string, work: () => Promise<T>): { result: Promise<T>; joined: boolean } {
    const current = this.#inFlight.get(key);
    if (current !== undefined) return { result: current, joined: true };
    const result = work().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, result);
    return { result, joined: false };
  }
}
