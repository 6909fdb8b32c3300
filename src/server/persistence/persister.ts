// Serialised, grouped durable writes. A mutation applies to memory, then awaits `commit(change)`:
// the promise settles once a write that started after the mutation is durable. Writes never
// overlap; changes arriving during a write share the next one (one append and one fdatasync for
// many requests). If a write fails, every change not yet durable is undone in memory, newest
// first, and each of their requests is told so (they all get a 500).
export interface PersisterOptions<C> {
  /** Makes a batch of changes durable (memory already holds them). */
  write(batch: C[]): Promise<void>;
  /** Takes one change back out of memory. */
  undo(change: C): void;
  /** Runs after a batch was acknowledged, before the next one (compaction); errors go to `onError`. */
  afterWrite?(): Promise<void>;
  onError?(error: unknown): void;
}

interface Waiter<C> {
  change: C;
  resolve(): void;
  reject(error: unknown): void;
}

export class Persister<C> {
  #pending: Waiter<C>[] = [];
  #writing: Promise<void> | undefined;

  constructor(private readonly options: PersisterOptions<C>) {}

  commit(change: C): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ change, resolve, reject });
      this.#kick();
    });
  }

  /** Resolves when no write is running or queued. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing.catch(() => {});
  }

  #kick(): void {
    if (this.#writing || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#writing = this.options
      .write(batch.map((waiter) => waiter.change))
      .then(
        async () => {
          for (const waiter of batch) waiter.resolve();
          await this.options.afterWrite?.().catch((error: unknown) => this.options.onError?.(error));
        },
        (error: unknown) => {
          // Changes queued behind the failed write were applied on top of it: drop them too.
          const dropped = [...batch, ...this.#pending];
          this.#pending = [];
          for (const waiter of [...dropped].reverse()) this.options.undo(waiter.change);
          for (const waiter of dropped) waiter.reject(error);
        },
      )
      .finally(() => {
        this.#writing = undefined;
        this.#kick();
      });
  }
}
