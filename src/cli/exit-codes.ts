// secr-run's own exit codes (sysexits). A failure of secr-run never starts the child,
// so these are never confused with the child's status.
export const ExitCode = {
  /** Command-line usage error. */
  USAGE: 64,
  /** Secret data that cannot be injected (bad names, NUL bytes). */
  DATA: 65,
  /** secr unreachable: network, timeout, 5xx, 429 after retries. */
  UNAVAILABLE: 69,
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
