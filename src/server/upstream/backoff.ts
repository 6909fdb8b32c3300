// One back-off for the whole agent: when upstream says 429 + Retry-After, no token asks again
// before that time (upstream limits the machine's address, not each pod).
export const DEFAULT_BACKOFF_MS = 1_000;
/** A Retry-After beyond this is capped: a hostile or broken upstream cannot park the agent for days. */
export const MAX_BACKOFF_MS = 5 * 60_000;

export class SharedBackoff {
  #until = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds left to wait, 0 when upstream may be asked. */
  remainingMs(): number {
    return Math.max(0, this.#until - this.now());
  }

  /** After a 429: `retryAfterSeconds` from its header, undefined when absent or unreadable. */
  hold(retryAfterSeconds: number | undefined): void {
    const ms = Math.min(
      MAX_BACKOFF_MS,
      retryAfterSeconds === undefined ? DEFAULT_BACKOFF_MS : retryAfterSeconds * 1000,
    );
    this.#until = Math.max(this.#until, this.now() + ms);
  }
}
