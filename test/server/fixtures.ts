// Shared seed and helpers for the server tests.
import { SecrClient } from "../../src/client/client.js";
import { SecrApiError } from "../../src/client/errors.js";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server/index.js";

export const ADMIN = "secr_cli_admin_test";
export const VIEWER = "secr_tok_viewer_test";
export const MACHINE_PROD = "secr_mt_production_0123abcd";
export const MACHINE_ADMIN_STAGING = "secr_mt_staging_admin_99";

export const seed = {
  tokens: [
    { token: ADMIN, role: "admin" },
    { token: VIEWER, role: "viewer" },
    { token: MACHINE_PROD, role: "viewer", org: "acme", project: "api", env: "production" },
    { token: MACHINE_ADMIN_STAGING, role: "admin", org: "acme", project: "api", env: "staging" },
  ],
  orgs: {
    acme: {
      projects: {
        api: {
          environments: {
            production: { DATABASE_URL: "postgres://prod-secret-value-1", API_KEY: "prod-api-key-value-2" },
            staging: { DATABASE_URL: "postgres://staging-secret-value-3" },
            development: {},
          },
          templates: [
            { key: "DATABASE_URL", required: true, description: "db" },
            { key: "API_KEY", required: true },
            { key: "LOG_LEVEL", required: false },
          ],
        },
      },
    },
  },
};

export interface Fixture {
  server: RunningServer;
  client(token?: string): SecrClient;
  /** Raw fetch for what the client cannot send (bad JSON, huge bodies, missing auth). */
  raw(
    path: string,
    init?: RequestInit & { token?: string | null },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read raw wire bodies field by field
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export async function startFixture(options: ServerOptions = {}): Promise<Fixture> {
  // Port 0 always: a fixed port would collide with a second copy of the suite.
  const server = await startServer({ seed, ...options, port: 0 });
  const clients: SecrClient[] = [];
  return {
    server,
    client(token = ADMIN) {
      const client = new SecrClient({ apiUrl: server.url, token, maxRetries: 0 });
      clients.push(client);
      return client;
    },
    async raw(path, init = {}) {
      const { token = ADMIN, headers, ...rest } = init;
      const response = await fetch(server.url + path, {
        ...rest,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(headers as Record<string, string>),
        },
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      return { status: response.status, headers: response.headers, body };
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    },
  };
}

/** The SecrApiError a call rejects with (fails the test if it resolves). */
export async function apiError(promise: Promise<unknown>): Promise<SecrApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecrApiError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}
