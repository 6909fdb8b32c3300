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
