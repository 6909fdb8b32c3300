// A failed request of a management command as a one-line Failure, from the one table
// (FETCH_ERRORS in src/core/fetch-errors.ts, docs/design/errors.md). Only the 403 hint differs: a write needs an
// admin token of that scope, which "may not read" would not say. Pure.
import type { SecrApiError } from "../../client/errors.js";
import type { Settings } from "../../config/settings.js";
import { classifyFetchError } from "../../core/fetch-errors.js";
import { Failure } from "../../core/failure.js";
import { fetchFailure } from "../../pipeline/fetch-failure.js";

export interface RequestContext {
  /** What the command works on: `org/project/env`, `org/project` or `org`. */
  where: string;
  /** The request changes data (a viewer token gets 403). */
  write: boolean;
}

export function requestFailure(
  error: SecrApiError,
  settings: Pick<Settings, "apiUrl" | "timeoutMs">,
  { where, write }: RequestContext,
): Failure {
  const row = classifyFetchError(error);
  if (write && row.code === "forbidden")
    return new Failure(
      row.exitCode,
      `${error.message} (the token may not change ${where}: an admin token of its scope is needed)`,
    );
  const failure = fetchFailure(error, settings, where, false);
  return failure === undefined
    ? new Failure(row.exitCode, error.message)
    : new Failure(failure.exitCode, failure.message);
}
