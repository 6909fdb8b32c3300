// What to do with the snapshot when pulling from secr failed: the `decision` column of the one
// table of fetch errors (src/core/fetch-errors.ts, docs/design/errors.md). Pure.
import { classifyFetchError, type FetchErrorContext, type FetchErrorDecision } from "../core/fetch-errors.js";

export type { FetchErrorContext, FetchErrorDecision };

/** Accepts anything thrown; only `SecrApiError`-shaped values (`code`, `statusCode`) can fall back or purge. */
export function decideOnFetchError(error: unknown, context: FetchErrorContext = {}): FetchErrorDecision {
  return classifyFetchError(error, context).decision;
}
