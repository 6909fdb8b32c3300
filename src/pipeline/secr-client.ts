// The embedded client as the command line makes it, for runs (pull-secrets.ts) and management
// commands (manage/session.ts) alike. Loaded on first use, never at startup: --help, --version
// and usage errors never pay for undici.
import type { SecrClient } from "../client/client.js";
import type { isSecrApiError } from "../client/errors.js";
import type { Settings } from "../config/settings.js";
import { readFileSync } from "node:fs";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import { adoptPreconnected } from "./preconnect.js";

export interface ClientModule {
  SecrClient: typeof SecrClient;
  isSecrApiError: typeof isSecrApiError;
}

/** --ca-file / SECR_CA_FILE: a PEM file, read when the client is made; unreadable or not PEM is configuration (78). */
function readCa(file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new Failure(
      ExitCode.CONFIG,
      `--ca-file / SECR_CA_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  if (!data.includes("-----BEGIN CERTIFICATE-----"))
    throw new Failure(
      ExitCode.CONFIG,
      `--ca-file / SECR_CA_FILE: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  return data;
}

export async function loadClient(): Promise<ClientModule> {
  const [{ SecrClient }, { isSecrApiError }] = await Promise.all([
    import("../client/client.js"),
    import("../client/errors.js"),
  ]);
  return { SecrClient, isSecrApiError };
}

/** A client of the settings' secr. A token HTTP cannot carry, or http:// to a remote host, is configuration (78). */
export function clientFor(
  settings: Pick<Settings, "token" | "apiUrl" | "timeoutMs" | "caFile">,
  { SecrClient, isSecrApiError }: ClientModule,
): SecrClient {
  try {
    // A connection opened while the launcher loaded is taken when it goes to this origin (preconnect.ts).
    const ca = settings.caFile === undefined ? undefined : readCa(settings.caFile);
    return new SecrClient({
      token: settings.token,
      apiUrl: settings.apiUrl,
      timeout: settings.timeoutMs,
      adoptSocket: adoptPreconnected,
      ...(ca !== undefined ? { ca } : {}),
    });
  } catch (error) {
    if (error instanceof Failure) throw error;
    // The library's hint about its allowInsecureHttp option means nothing on the command line.
    const message = isSecrApiError(error)
      ? error.message.replace(/,? or set allowInsecureHttp[^,;]*/, "")
      : String(error);
    throw new Failure(ExitCode.CONFIG, message);
  }
}
