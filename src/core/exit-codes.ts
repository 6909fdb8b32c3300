// secr-run's own exit codes (sysexits). A failure of secr-run never starts the child,
// so these are never confused with the child's status. What a failed fetch maps to: src/core/fetch-errors.ts.

export const ExitCode = {
  OK: 0,
  /** Command-line usage error. */
  USAGE: 64,
  /** Secret data that cannot be injected (bad names, NUL bytes, refused names, unexportable values). */
  DATA: 65,
  /** secr unreachable: network, timeout, 5xx, 429 after retries; or an answer over the size cap. */
  UNAVAILABLE: 69,
  /** Internal error (a bug in secr-run). */
  SOFTWARE: 70,
  /** Not authorised: 401 / 403. */
  NOPERM: 77,
  /** Configuration: missing settings, org/project/env not found, required template keys missing. */
  CONFIG: 78,
  /** The command was found but could not be executed. */
  CANNOT_EXECUTE: 126,
  /** The command was not found. */
  NOT_FOUND: 127,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What each code means, for --help, docs/errors.md and the README (test/cli/error-table.test.ts checks both; backticks are dropped in --help). */
export type DocumentedExitCode = "N" | 0 | 64 | 65 | 69 | 70 | 77 | 78 | 126 | 127;

export const EXIT_CODE_MEANING: Readonly<Record<DocumentedExitCode, string>> = {
  N: "the command's own exit status (killed by signal S: secr-run dies of S too, or exits 128+S)",
  0: "success",
  64: "usage error: unknown option or command, bad flag value, no command",
  65: "secret data that cannot be injected: invalid name, NUL byte, value over 128 KiB, refused name, values too large to exec or to `--mask`; an `export` value the format cannot represent",
  69: "secr unreachable (network error, timeout, 5xx, 429 after retries) and no usable snapshot; `--offline` without one; an answer over the client's size cap",
  70: "internal error in secr-run (a bug: please report it)",
  77: "not authorised: 401 / 403 (bad, expired or revoked token; token scoped to another environment)",
  78: "configuration: missing settings, a bad, invalid or untrusted `.secr.json` (`secr-run allow`), org / project / environment not found, required template keys missing, values that break the schema",
  126: "the command was found but cannot be executed",
  127: "the command was not found",
};
