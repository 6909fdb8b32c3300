// The start-up budget in Node built-ins: what `secr-run --env e -- cmd` may load before its child
// starts. Each module costs compile or deserialisation time on every start of the user's program
// (docs/design/startup.md); these were loaded once and are now loaded only when a run needs them.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalServer, startLocalServer } from "../helpers/local-server.js";
import { cleanEnv, CLI, NODE, scratchDir } from "../helpers/cli.js";
import { recordFile } from "../helpers/record.js";
import { tempDir } from "../helpers/temp.js";

const RECORD = fileURLToPath(new URL("./fixtures/record-builtins.cjs", import.meta.url));
const TOKEN = "secr_cli_builtins_7d1e9a3c5b2f4a68";

/** Never before the child of a plain online run; see docs/design/startup.md for who needed each. */
const NOT_BEFORE_CHILD = [
  "_http_server", // undici needs none of node:http (scripts/build.js)
  "http",
  "http2",
  "tls",
  "assert", // undici's invariant checks (scripts/build.js)
  "readline",
  "internal/readline/interface", // node:fs/promises loads it (FileHandle#readLines)
  "fs/promises", // the snapshot write starts on the event loop's next turn, after the spawn
  // (not dgram: node:child_process loads it itself)
  "crypto", // only the snapshot, written while the child runs
  "internal/crypto/scrypt",
  "internal/crypto/keygen",
  "internal/crypto/x509",
  "perf_hooks", // the `performance` global
  "timers/promises",
];

/** What the shared fetch needs before the pull (docs/design/insights.md): the fetch lock, named by
 *  an HMAC over the target and the token, and a look at the snapshot a leader may have written. */
const SHARED_FETCH = new Set([
  "fs/promises",
  "internal/readline/interface",
  "crypto",
  "internal/crypto/scrypt",
  "internal/crypto/keygen",
  "internal/crypto/x509",
  "perf_hooks",
]);

let server: LocalServer;
const cache = tempDir("secr-run-builtins-cache-");
beforeAll(async () => {
  server = await startLocalServer({
    seed: {
      orgs: { acme: { projects: { api: { environments: { production: { API_KEY: "builtins-api-key-1234" } } } } } },
    },
    token: TOKEN,
  });
});
afterAll(async () => {
  await server?.stop();
  cache.remove();
});

async function recordRun(
  args: string[],
  extra: Record<string, string> = { SECR_NO_CACHE: "1" },
): Promise<{ exitCode: number | undefined; beforeChild: string[] | null; atExit: string[] }> {
  const to = recordFile();
  const env = cleanEnv({
    SECR_ORG: "acme",
    SECR_PROJECT: "api",
    SECR_API_URL: server.url,
    SECR_TOKEN: TOKEN,
    ...extra,
    XDG_CACHE_HOME: cache.path,
    RECORD_BUILTINS_TO: to,
  });
  const result = await execa(NODE, ["--require", RECORD, CLI, ...args], {
    reject: false,
    extendEnv: false,
    env,
    cwd: scratchDir(),
    timeout: 45_000,
  });
  expect(existsSync(to), result.stderr).toBe(true);
  return { exitCode: result.exitCode, ...JSON.parse(readFileSync(to, "utf8")) };
}

/** Every file of the compile cache directory, with its mtime: V8's code cache of run.cjs, and on
 *  Node >= 22 Node's own compile cache (a subdirectory per Node build, for the ES module chunks). */
const codeCaches = () => {
  const dir = join(cache.path, "secr-run-compile");
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => statSync(join(dir, name)).isFile())
    .map((name) => `${name} ${statSync(join(dir, name)).mtimeMs}`)
    .sort();
};

describe("built-in modules a run loads before its child starts", () => {
  it("none of the heavy ones without the snapshot (--no-cache), on the first start and on one from the code cache", async () => {
    for (const start of ["first", "cached"]) {
      const run = await recordRun(["--env", "production", "--", "sh", "-c", 'test "$API_KEY" = builtins-api-key-1234']);
      expect(run.exitCode, start).toBe(0);
      expect(run.beforeChild, start).not.toBeNull();
      expect(
        NOT_BEFORE_CHILD.filter((name) => run.beforeChild!.includes(name)),
        `${start} start`,
      ).toEqual([]);
    }
  });

  it("with the snapshot (the default): only what the shared fetch needs, and the snapshot write loads crypto after the child starts", async () => {
    const run = await recordRun(
      ["--env", "production", "--", "sh", "-c", 'test "$API_KEY" = builtins-api-key-1234'],
      {},
    );
    expect(run.exitCode).toBe(0);
    expect(NOT_BEFORE_CHILD.filter((name) => !SHARED_FETCH.has(name) && run.beforeChild!.includes(name))).toEqual([]);
    // The guard can fail: the snapshot written while the child runs does load crypto.
    expect(run.atExit).toContain("crypto");
  });

  it("a start from the code cache leaves it as it was (V8's flags are back to their defaults at exit)", async () => {
    await recordRun(["--env", "production", "--", "true"]);
    const before = codeCaches();
    // One file of run.cjs's bytecode, named after this Node version (no other V8 reads it).
    expect(before.filter((line) => line.includes(`-${process.version}-${process.arch}.v8 `))).toHaveLength(1);
    await recordRun(["--env", "production", "--", "true"]);
    expect(codeCaches()).toEqual(before);
  });

  it("--version loads no HTTP, crypto or V8 module at all", async () => {
    const run = await recordRun(["--version"]);
    expect(run.exitCode).toBe(0);
    expect(["http", "crypto", "v8", "vm", "assert", "perf_hooks"].filter((name) => run.atExit.includes(name))).toEqual(
      [],
    );
  });
});
