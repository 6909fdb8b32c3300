// What every layer may say to the user: the interface only. The stderr logger is src/cli/log.ts.

export interface Logger {
  /** Always printed. */
  error(message: string): void;
  /** Dropped by --quiet. */
  warn(message: string): void;
  /** What an operator expects to hear of at normal verbosity (a --watch restart); dropped by --quiet. */
  info(message: string): void;
  /** --verbose only. */
  debug(message: string): void;
  readonly verbose: boolean;
  /** Register strings that must never be printed (token, secret values). */
  redact(values: Iterable<string>): void;
}

/** `123ms` since `start` (a performance.now() value), for --verbose timings. */
export function since(start: number): string {
  return `${Math.round(performance.now() - start)}ms`;
}
