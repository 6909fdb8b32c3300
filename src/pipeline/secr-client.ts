// The embedded client as the command line makes it, for runs (pull-secrets.ts) and management
// commands (manage/session.ts) alike. Loaded on first use, never at startup: --help, --version
// and usage errors never pay for undici.
import type { SecrClient } from "../client/client.js";
import type { isSecrApiError } from "../client/errors.js";
import type { Settings } from "../config/settings.js";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import { adoptPreconnected } from "./preconnect.js";

export interface ClientModule {
  SecrClient: typeof SecrClient;
  isSecrApiError: typeof isSecrApiError;
}

export async function loadClient(): Promise<ClientModule> {
  const [{ SecrClient }, { isSecrApiError }] = await Promise.all([import("../client/client.js"), import("../client/errors.js")]);
  return { SecrClient, isSecrApiError };
}

/** A client of the settings' secr. A token HTTP cannot carry, or http:// to a remote host, is configuration (78). */
export function clientFor(settings: Pick<Settings, "token" | "apiUrl" | "timeoutMs">, { SecrClient, isSecrApiError }: ClientModule): SecrClient {
  try {
    // A connection opened while the launcher loaded is taken when it goes to this origin (preconnect.ts).
    return new SecrClient({ token: settings.token, apiUrl: settings.apiUrl, timeout: settings.timeoutMs, adoptSocket: adoptPreconnected });
  } catch (error) {
    // The library's hint about its allowInsecureHttp option means nothing on the command line.
    const message = isSecrApiError(error) ? error.message.replace(/,? or set allowInsecureHttp[^,;]*/, "") : String(error);
    throw new Failure(ExitCode.CONFIG, message);
  }
}
