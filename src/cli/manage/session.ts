// The embedded client for a management command: one client, one deadline (--timeout) for the
// whole command, and every failed request turned into a one-line Failure (request-failure.ts).
// Loaded only by the management commands, never by the run path.
import type { SecrClient } from "../../client/client.js";
import type { Settings } from "../../config/settings.js";
import { ExitCode } from "../exit-codes.js";
import { Failure } from "../failure.js";
import { requestFailure } from "./request-failure.js";

export interface Session {
  client: SecrClient;
  /** Aborts when --timeout expires; pass it to every request. */
  signal: AbortSignal;
}

export async function withSecr<T>(settings: Settings, scope: { where: string; write: boolean }, work: (session: Session) => Promise<T>): Promise<T> {
  const [{ SecrClient }, { isSecrApiError }] = await Promise.all([import("../../client/client.js"), import("../../client/errors.js")]);
  let client: SecrClient;
  try {
    client = new SecrClient({ token: settings.token, apiUrl: settings.apiUrl, timeout: settings.timeoutMs });
  } catch (error) {
    // The library's hint about its allowInsecureHttp option means nothing on the command line.
    const message = isSecrApiError(error) ? error.message.replace(/,? or set allowInsecureHttp[^,;]*/, "") : String(error);
    throw new Failure(ExitCode.CONFIG, message);
  }
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  try {
    return await work({ client, signal: deadline });
  } catch (error) {
    if (deadline.aborted) throw new Failure(ExitCode.UNAVAILABLE, `secr at ${settings.apiUrl} did not answer within ${settings.timeoutMs}ms (--timeout)`);
    if (isSecrApiError(error)) throw requestFailure(error, settings, scope);
    throw error;
  } finally {
    await client.close().catch(() => undefined);
  }
}
