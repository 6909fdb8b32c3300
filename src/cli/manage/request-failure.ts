// A failed request of a management command as a one-line Failure: the exit code comes from the
// one table (exitCodeForApiError, docs/errors.md); the hint says what to check for a change
// rather than a read. Pure.
import type { SecrApiError } from "../../client/errors.js";
import { exitCodeForApiError, ExitCode } from "../exit-codes.js";
import { Failure } from "../failure.js";

export interface RequestContext {
  /** What the command works on: `org/project/env`, `org/project` or `org`. */
  where: string;
  apiUrl: string;
  /** The request changes data (a viewer token gets 403). */
  write: boolean;
}

export function requestFailure(error: SecrApiError, { where, apiUrl, write }: RequestContext): Failure {
  const exitCode = exitCodeForApiError(error.code, error.statusCode);
  let hint = "";
  if (error.statusCode === 401 || error.code === "unauthorized") hint = "the token was rejected: check SECR_TOKEN";
  else if (error.statusCode === 403 || error.code === "forbidden") hint = write ? `the token may not change ${where}: an admin token of its scope is needed` : `the token may not read ${where}`;
  else if (error.statusCode === 404 || error.code === "not_found") hint = `check --org, --project and --env: ${where}`;
  else if (error.statusCode === 409 || error.code === "conflict") hint = "it exists already";
  else if (exitCode === ExitCode.UNAVAILABLE) hint = `secr at ${apiUrl} is unreachable or failing`;
  return new Failure(exitCode, hint === "" ? error.message : `${error.message} (${hint})`);
}
