// A failure of secr-run itself: a one-line message and its documented exit code. One family:
// every layer throws a Failure (or a subclass) and the command frame turns it into its exit code.
import type { ExitCodeValue } from "./exit-codes.js";
import type { FetchErrorDecision } from "./fetch-errors.js";

export class Failure extends Error {
  override readonly name = "Failure";
  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** A failed fetch from secr (src/pipeline/fetch-failure.ts builds it from the table in fetch-errors.ts). */
export class FetchFailure extends Failure {
  constructor(
    exitCode: ExitCodeValue,
    message: string,
    /** What the snapshot logic does about it. */
    readonly decision: FetchErrorDecision,
    /** A short cause, for the warning when the snapshot is used instead. */
    readonly reason: string,
  ) {
    super(exitCode, message);
  }
}

/** A delivery (--file, --mount, --template) that cannot be carried out; never names a value. */
export class DeliveryError extends Failure {}

/** The end of a command's main: a Failure is printed as its one line and gives the exit code; anything else is a bug and propagates. */
export function failureExit(error: unknown, log: { error(message: string): void }): ExitCodeValue {
  if (!(error instanceof Failure)) throw error;
  log.error(error.message);
  return error.exitCode;
}
