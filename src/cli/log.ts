// secr-run's own messages: one line each on stderr, prefixed `secr-run: `.
// Never give it a value or a token; as a second line of defence, any registered secret that
// still slips into a message is masked before it is written.

export interface Logger {
  /** Always printed. */
  error(message: string): void;
  /** Dropped by --quiet. */
  warn(message: string): void;
  /** --verbose only. */
  debug(message: string): void;
  readonly verbose: boolean;
  /** Register strings that must never be printed (token, secret values). */
  redact(values: Iterable<string>): void;
}

export interface LoggerOptions {
  verbose?: boolean;
  quiet?: boolean;
  write?: (line: string) => void;
}

// Masking short strings would garble messages and reveals little; the client uses the same bound.
const MIN_REDACT_LENGTH = 4;

export function createLogger({ verbose = false, quiet = false, write }: LoggerOptions = {}): Logger {
  const sensitive = new Set<string>();
  const out = write ?? ((line: string) => process.stderr.write(line));
  const emit = (message: string) => {
    let text = message;
    for (const value of sensitive) if (text.includes(value)) text = text.split(value).join("[redacted]");
    // One line: a message can never forge extra lines on the caller's terminal or log.
    out(`secr-run: ${text.replace(/[\r\n]+/g, " ")}\n`);
  };
  return {
    verbose,
    error: emit,
    warn: (message) => {
      if (!quiet) emit(`warning: ${message}`);
    },
    debug: (message) => {
      if (verbose) emit(message);
    },
    redact: (values) => {
      for (const value of values) if (value.length >= MIN_REDACT_LENGTH) sensitive.add(value);
    },
  };
}

/** `123ms` since `start` (a performance.now() value), for --verbose timings. */
export function since(start: number): string {
  return `${Math.round(performance.now() - start)}ms`;
}
