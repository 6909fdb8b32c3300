// The embedded client for a management command: one client, one deadline (--timeout) for the
// whole command, and every failed request turned into a one-line Failure (request-failure.ts).
// Loaded only by the management commands, never by the run path.
import type { SecrClient } from "../../client/client.js";
import type { Settings } from "../../config/settings.js";
import { ExitCode } from "../../core/exit-codes.js";
import { Failure } from "../../core/failure.js";
import { clientFor, loadClient } from "../../pipeline/secr-client.js";
import { requestFailure } from "./request-failure.js";

export interface Session {
  client: SecrClient;
  /** Aborts when --timeout expires; pass it to every request. */
  signal: AbortSignal;
}

export async function withSecr<T>(
  settings: Settings,
  scope: { where: string; write: boolean },
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const module = await loadClient();
  const { isSecrApiError } = module;
  const client = clientFor(settings, module);
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  try {
    return await work({ client, signal: deadline });
  } catch (error) {
    if (deadline.aborted)
      throw new Failure(
        ExitCode.UNAVAILABLE,
        `secr at ${settings.apiUrl} did not answer within ${settings.timeoutMs}ms (--timeout)`,
      );
    if (isSecrApiError(error)) throw requestFailure(error, settings, scope);
    throw error;
  } finally {
    await client.close().catch(() => undefined);
  }
}
