// A failure of secr-run itself: a one-line message and its documented exit code.
import type { ExitCodeValue } from "./exit-codes.js";

export class Failure extends Error {
  override readonly name = "Failure";
  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** The end of a command's main: a Failure is printed as its one line and gives the exit code; anything else is a bug and propagates. */
export function failureExit(error: unknown, log: { error(message: string): void }): ExitCodeValue {
  if (!(error instanceof Failure)) throw error;
  log.error(error.message);
  return error.exitCode;
}
