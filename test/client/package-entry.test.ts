// The published library entry (`import ... from "secr-run"`, i.e. dist/, built by `npm run build`)
// loads in plain Node (deep undici imports resolve without a bundler) and works end to end.
import { execa } from "execa";
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { NOW, TOKEN } from "./helpers.js";

let server: MswServer;
beforeAll(async () => {
  server = await startMswServer(
    http.get("*/v1/secrets/:org/:project/:env", () =>
      HttpResponse.json({ secrets: [{ key: "A", value: "1", version: 1, updatedAt: NOW }] }),
    ),
    http.get("*/v1/templates/:org/:project/validate/:env", () =>
      HttpResponse.json({ error: "not_found", message: "no such env" }, { status: 404 }),
    ),
  );
});
afterAll(() => server.close());

it('import { SecrClient, SecrApiError, isSecrApiError } from "secr-run" works in plain Node', async () => {
  const script = `
    import { SecrClient, SecrApiError, isSecrApiError, PULL_PAGE_SIZE } from "secr-run";
    const client = new SecrClient({ token: process.env.T, apiUrl: process.env.U });
    try {
      const secrets = await client.pullAllSecrets("acme", "api", "production");
      let code;
      try { await client.validateTemplate("acme", "api", "nope"); } catch (e) { code = isSecrApiError(e) && e instanceof SecrApiError ? e.code : "?"; }
      console.log(JSON.stringify({ secrets, code, PULL_PAGE_SIZE }));
    } finally {
      await client.close();
    }`;
  const { stdout } = await execa(process.execPath, ["--input-type=module", "-e", script], {
    cwd: new URL("../..", import.meta.url),
    env: { T: TOKEN, U: server.url },
  });
  expect(JSON.parse(stdout)).toEqual({
    secrets: [{ key: "A", value: "1", version: 1, updatedAt: NOW }],
    code: "not_found",
    PULL_PAGE_SIZE: 1000,
  });
});
