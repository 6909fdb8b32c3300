// Requests of tokens the cache holds no answer for, in flight upstream per client address: a pod
// sending many guessed tokens at once cannot spend the node's upstream quota before the first
// rejections come back (docs/guide/fleet.md, "Rejected tokens").
export class InFlightLimit {
  readonly #counts = new Map<string, number>();

  constructor(readonly max: number) {}

  /** False when `address` already has `max` in flight; else counted until leave(). */
  enter(address: string): boolean {
    const count = this.#counts.get(address) ?? 0;
    if (count >= this.max) return false;
    this.#counts.set(address, count + 1);
    return true;
  }

  leave(address: string): void {
    const count = (this.#counts.get(address) ?? 1) - 1;
    if (count > 0) this.#counts.set(address, count);
    else this.#counts.delete(address);
  }
}
