// Serialised, grouped durable writes. Mutations apply to memory, then await `commit()`:
// the promise settles once a file write that started after the mutation is durable.
// Writes never overlap; mutations arriving during a write share the next one (one fsync
// for many requests). If a write fails, memory goes back to the last durable state and
// every request whose change was not durable is told so (they all get a 500).
export interface PersisterOptions {
  snapshot(): string;
  restore(durable: string): void;
  write(text: string): Promise<void>;
  /** The text last known to be on disk. */
  durable: string;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class Persister {
  #pending: Waiter[] = [];
  #writing: Promise<void> | undefined;
  #durable: string;

  constructor(private readonly options: PersisterOptions) {
    this.#durable = options.durable;
  }

  commit(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ resolve, reject });
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
    const text = this.options.snapshot();
    this.#writing = this.options
      .write(text)
      .then(
        () => {
          this.#durable = text;
          for (const waiter of batch) waiter.resolve();
        },
        (error: unknown) => {
          // Changes queued behind the failed write were applied on top of it: drop them too.
          const dropped = [...batch, ...this.#pending];
          this.#pending = [];
          this.options.restore(this.#durable);
          for (const waiter of dropped) waiter.reject(error);
        },
      )
      .finally(() => {
        this.#writing = undefined;
        this.#kick();
      });
  }
}
