// A failed fetch from secr as a Failure: exit code, one-line message with its hint, and the
// snapshot decision, all from the one table in src/core/fetch-errors.ts (docs/design/errors.md).
import { formatDuration } from "../config/duration.js";
import type { Settings } from "../config/settings.js";
import { classifyFetchError } from "../core/fetch-errors.js";
import { FetchFailure } from "../core/failure.js";

export { FetchFailure } from "../core/failure.js";

/**
 * The failure for an error thrown while fetching, or undefined when it is not a fetch error
 * (a bug: let it surface as one). `deadlineExpired`: secr-run's own --timeout fired.
 */
export function fetchFailure(
  error: unknown,
  settings: Pick<Settings, "apiUrl" | "timeoutMs">,
  where: string,
  deadlineExpired: boolean,
): FetchFailure | undefined {
  const row = classifyFetchError(error, { deadlineExpired });
  if (deadlineExpired && row.decision !== "purge") {
    return new FetchFailure(
      row.exitCode,
      `secr did not answer within ${settings.timeoutMs}ms (--timeout) for ${where} at ${settings.apiUrl}`,
      row.decision,
      `no answer within ${formatDuration(settings.timeoutMs)}, --timeout`,
    );
  }
  if (!(error instanceof Error) || !("code" in error) || !("statusCode" in error)) return undefined;
  const message = plainer(error.message, settings.apiUrl);
  const hint = row.hint?.({ where, apiUrl: settings.apiUrl, message });
  // The client's messages carry no secrets (they are redacted where they are built).
  return new FetchFailure(row.exitCode, `${message}${hint ? ` (${hint})` : ""}`, row.decision, message);
}

/** TLS to a server that speaks plain HTTP: say so instead of OpenSSL's record-layer trace. */
function plainer(message: string, apiUrl: string): string {
  const origin = apiUrl.replace(/^https:/, "http:").replace(/^(https?:\/\/[^/]+).*$/, "$1");
  return message.replace(
    /network error \((?:ERR_SSL_WRONG_VERSION_NUMBER|EPROTO)\):.*?wrong version number\S*(\s*\(gave up[^)]*\))?/s,
    (_, gaveUp: string | undefined) =>
      `the server answered in plain HTTP, not HTTPS: use ${origin}${gaveUp === undefined ? "" : ` ${gaveUp.trim()}`}`,
  );
}
