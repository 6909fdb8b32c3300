// secr-run's own exit codes (sysexits). A failure of secr-run never starts the child,
// so these are never confused with the child's status.
import type { SecrErrorCode } from "../client/errors.js";

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

/** What each code means, for --help, docs/errors.md and the README (a test checks both). */
export type DocumentedExitCode = "N" | 0 | 64 | 65 | 69 | 70 | 77 | 78 | 126 | 127;

export const EXIT_CODE_MEANING: Readonly<Record<DocumentedExitCode, string>> = {
  N: "the command's own status (killed by signal S: secr-run dies of S too, or exits 128+S)",
  0: "success",
  64: "usage error (bad option or flag value, no command)",
  65: "secret data that cannot be injected (invalid name, NUL byte, refused name, unquotable export)",
  69: "secr unreachable (network, timeout, 5xx, 429 after retries) and no fresh snapshot; --offline without one; an answer over 64 MiB",
  70: "internal error in secr-run (a bug: please report it)",
  77: "not authorised (401/403)",
  78: "configuration (missing settings, bad .secr.json, org/project/env not found, template keys missing)",
  126: "command found but not executable",
  127: "command not found",
};

/** The table of the run command (the full list), as printed by `secr-run --help`. */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [number | string, string]> = (["N", 64, 65, 69, 70, 77, 78, 126, 127] as const).map(
  (code) => [code, EXIT_CODE_MEANING[code]] as const,
);

/** Pure: the exit code for an error raised by the embedded client. */
export function exitCodeForApiError(code: SecrErrorCode, statusCode: number): ExitCodeValue {
  switch (code) {
    case "unauthorized":
    case "forbidden":
      return ExitCode.NOPERM;
    case "not_found":
    case "invalid_argument":
    case "bad_request":
    case "validation_error":
    // 409: what a management command would create exists already (a project, a template key).
    case "conflict":
      return ExitCode.CONFIG;
    // 413: an import or a value over the server's limit.
    case "payload_too_large":
      return ExitCode.DATA;
    case "network_error":
    case "timeout":
    case "rate_limited":
    case "server_error":
    case "invalid_response":
    case "response_too_large":
    case "inconsistent_data":
    case "aborted":
    case "client_closed":
      return ExitCode.UNAVAILABLE;
    default:
      if (statusCode === 401 || statusCode === 403) return ExitCode.NOPERM;
      if (statusCode === 404) return ExitCode.CONFIG;
      // Anything else without a usable answer (5xx, unknown codes) means secr did not serve us.
      return ExitCode.UNAVAILABLE;
  }
}
