// Shared bits of the client tests.
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll } from "vitest";
import { SecrApiError, SecrClient, type SecrClientOptions } from "../../src/index.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";

export const TOKEN = "secr_tok_TESTTOKEN0123456789abcdef";
export const NOW = "2025-03-01T12:00:00.000Z";

/** A client with tiny backoff so retry tests stay fast. */
export function makeClient(apiUrl: string, options: Partial<SecrClientOptions> = {}): SecrClient {
  return new SecrClient({ token: TOKEN, apiUrl, retryBaseDelayMs: 5, retryMaxDelayMs: 20, ...options });
}

/** The SecrApiError a promise rejects with (fails the test if it resolves or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<SecrApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecrApiError) return error;
    throw new Error(`expected a SecrApiError, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** Everything about an error a user could print or log. */
export function everyRendering(error: SecrApiError): string {
  const cause =
    error.cause instanceof Error ? `${error.cause.message}\n${error.cause.stack ?? ""}` : String(error.cause ?? "");
  return [
    error.message,
    error.stack ?? "",
    JSON.stringify(error),
    String(error),
    cause,
    inspect(error, { depth: 10, showHidden: true }),
  ].join("\n");
}

export function secret(key: string, value = `value-of-${key}`, version = 1): Record<string, unknown> {
  return { key, value, version, updatedAt: NOW };
}

export interface ClientFixture {
  /** msw handlers on a loopback port; handlers and recorded requests reset after each test. */
  server: MswServer;
  /** A client of `server` (makeClient with `options`), closed after the file. */
  client: SecrClient;
}

/** Per-file fixture: one msw server and one client for it. */
export function useClientFixture(options: Partial<SecrClientOptions> = {}): ClientFixture {
  const fx = {} as ClientFixture;
  beforeAll(async () => {
    fx.server = await startMswServer();
    fx.client = makeClient(fx.server.url, options);
  });
  afterEach(() => {
    fx.server.resetHandlers();
    fx.server.requests.length = 0;
  });
  afterAll(async () => {
    await fx.client?.close();
    await fx.server?.close();
  });
  return fx;
}
