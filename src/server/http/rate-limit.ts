// Token buckets: `rate` requests per second per id, bursts up to `burst` (default max(rate, 1)).
// Used per API token (authenticated requests), per agent token upstream, and for failed authentications (auth-failure-limit.ts).
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
    burst?: number,
  ) {
    this.#capacity = Math.max(burst ?? rate, 1); // a rate below 1/s still lets one request through
  }

  /** 0 when a request may proceed now, else the seconds to wait (for Retry-After). Consumes nothing. */
  wait(id: string): number {
    const bucket = this.#buckets.get(id);
    if (bucket === undefined) return 0;
    const tokens = this.#refilled(bucket, this.now());
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.rate));
  }

  /** 0 when the request may proceed (and is counted), else the seconds to wait (for Retry-After). */
  take(id: string): number {
    const now = this.now();
    let bucket = this.#buckets.get(id);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#prune(now);
      bucket = { tokens: this.#capacity, at: now };
      this.#buckets.set(id, bucket);
    }
    bucket.tokens = this.#refilled(bucket, now);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }

  #refilled(bucket: Bucket, now: number): number {
    return Math.min(this.#capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
  }

  /** Forget full buckets (they behave as new ones): many ids over time cannot grow memory without bound. */
  #prune(now: number): void {
    for (const [id, bucket] of this.#buckets)
      if (this.#refilled(bucket, now) >= this.#capacity) this.#buckets.delete(id);
  }
}
