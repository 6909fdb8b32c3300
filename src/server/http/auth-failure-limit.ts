// Failed authentications are limited per client bucket (client-bucket.ts) and, over all clients
// together, by a global budget: spreading guesses over many addresses cannot multiply the rate
// (docs/server.md, "Rate limits").
import { clientBucket } from "./client-bucket.js";
import { RateLimiter } from "./rate-limit.js";

/** The global budget is this many clients' worth of failures per second. */
export const GLOBAL_FAILURE_FACTOR = 5;
const GLOBAL = "\0global";

export class AuthFailureLimit {
  readonly #perClient: RateLimiter;
  readonly #global: RateLimiter;

  constructor(perClientPerSecond: number, now: () => number = () => performance.now()) {
    this.#perClient = new RateLimiter(perClientPerSecond, now);
    this.#global = new RateLimiter(perClientPerSecond * GLOBAL_FAILURE_FACTOR, now);
  }

  /** 0 when a request from this address may be authenticated now, else the seconds to wait. */
  wait(address: string | undefined): number {
    return Math.max(this.#perClient.wait(clientBucket(address)), this.#global.wait(GLOBAL));
  }

  /** Counts one failed authentication from this address. */
  fail(address: string | undefined): void {
    this.#perClient.take(clientBucket(address));
    this.#global.take(GLOBAL);
  }
}
