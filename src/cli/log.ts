// secr-run's own messages: one line each on stderr, prefixed `secr-run: `.
// Never give it a value or a token; as a second line of defence, any registered secret that
// still slips into a message is masked before it is written. Text from a server or a secret's
// name can hold terminal controls: they are removed, by the same rule as the client's errors.
import { isRedactable, redact, terminalSafe } from "../client/redact.js";
import type { Logger } from "../core/logger.js";
import { clearStatusLine } from "../pipeline/status-line.js";

export type { Logger } from "../core/logger.js";

export interface LoggerOptions {
  verbose?: boolean;
  quiet?: boolean;
  write?: (line: string) => void;
}

export function createLogger({ verbose = false, quiet = false, write }: LoggerOptions = {}): Logger {
  const sensitive = new Set<string>();
  const out =
    write ??
    ((line: string) => {
      clearStatusLine();
      process.stderr.write(line);
    });
  const emit = (message: string) => {
    // One line without controls: a message can never forge extra lines, colours or reordered
    // text on the caller's terminal or log.
    out(`secr-run: ${terminalSafe(redact(message, sensitive))}\n`);
  };
  return {
    verbose,
    error: emit,
    warn: (message) => {
      if (!quiet) emit(`warning: ${message}`);
    },
    info: (message) => {
      if (!quiet) emit(message);
    },
    debug: (message) => {
      if (verbose) emit(message);
    },
    redact: (values) => {
      for (const value of values) if (isRedactable(value)) sensitive.add(value);
    },
  };
}
