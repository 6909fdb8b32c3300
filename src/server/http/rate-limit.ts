// Token bucket per API token: `rate` requests per second, bursts up to max(rate, 1).
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** 0 when the request may proceed, else the seconds to wait (for Retry-After). */
  take(id: string): number {
    const now = this.now();
    const capacity = Math.max(this.rate, 1); // a rate below 1/s still lets one request through
    const bucket = this.#buckets.get(id) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.#buckets.set(id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }
}
