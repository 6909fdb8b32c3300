// A hostile server answers with large values (each under the 128 KiB a single variable may
// have): the run must stop in one line, exit 65 and start nothing, before building a --mask
// that would cost gigabytes, when the child could not be exec'd anyway (E2BIG) or the mask
// would exceed its budget. The built CLI over a real loopback server (msw handlers);
// docs/design/security.md, "What the child can be given".
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execBytes, execLimitBytes, execTooLarge } from "../../src/supervise/exec-limits.js";
import { MAX_MASK_STATES, maskTooLarge, trieStates } from "../../src/mask/budget.js";
import { maskPatterns } from "../../src/mask/patterns.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { cleanEnv, CLI, NODE, scratchDir } from "../helpers/cli.js";
import { readRecord, RECORD_CHILD, recordFile } from "../helpers/record.js";

const TOKEN = "secr_exec_size_tok_3e9b7c";
const KiB = 1024;
const value = (bytes: number) => randomBytes(bytes).toString("base64url").slice(0, bytes);
/** n values of `bytes` each, under the per-variable limit. */
const values = (n: number, bytes: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`BIG_${i}`, value(bytes)]));

let secrets: Record<string, string> = {};
let server: MswServer;
beforeAll(async () => {
  server = await startMswServer(...secrHandlers(() => secrets));
});
afterAll(async () => server.close());

/** The built CLI under `ulimit -s <stackKiB>` (the limit execve applies comes from it). */
async function run(args: string[], stackKiB = 8192) {
  const record = recordFile();
  const result = await execa(
    "/bin/sh",
    [
      "-c",
      `ulimit -s ${stackKiB} && exec "$0" "$@"`,
      NODE,
      CLI,
      "--org",
      "acme",
      "--project",
      "api",
      "--env",
      "prod",
      ...args,
      "--",
      NODE,
      RECORD_CHILD,
    ],
    {
      reject: false,
      extendEnv: false,
      env: cleanEnv({ SECR_API_URL: server.url, SECR_TOKEN: TOKEN, RECORD_TO: record }),
      cwd: scratchDir(),
      stdin: "ignore",
      timeout: 60_000,
    },
  );
  const stderr = String(result.stderr);
  for (const secret of Object.values(secrets))
    expect(stderr.includes(secret.slice(0, 32)), "no value in stderr").toBe(false);
  return { exitCode: result.exitCode, stderr, child: readRecord(record) };
}

describe("values too large to exec or to mask (the attack: a server answering with megabytes)", () => {
  it("over what execve accepts (ulimit -s 2048: 512 KiB): exit 65 in one line, nothing started, no mask built", async () => {
    secrets = values(6, 100 * KiB);
    for (const flags of [["--mask"], []]) {
      const result = await run(flags, 2048);
      expect(result.exitCode, result.stderr).toBe(65);
      expect(result.stderr).toMatch(
        /^secr-run: the command's environment and arguments take \d+ KiB \(\d+ variables\), more than the 512 KiB the system accepts for a new program .*the command was not started: .*--only.*ulimit -s$/,
      );
      expect(result.child).toBeUndefined();
    }
  });

  it(`--mask over its budget (${MAX_MASK_STATES} automaton states): exit 65 in one line, nothing started`, async () => {
    secrets = values(5, 100 * KiB);
    const result = await run(["--mask"]);
    expect(result.exitCode, result.stderr).toBe(65);
    expect(result.stderr).toMatch(
      /^secr-run: --mask: the injected values in every form masked need \d+ automaton states \(\d+ patterns\), more than the 2097152 secr-run builds; the command was not started: .*--only.* without --mask$/,
    );
    expect(result.child).toBeUndefined();
  });

  it("within both: a 100 KiB value (a certificate bundle) is injected and masked", async () => {
    secrets = values(1, 100 * KiB);
    const result = await run(["--mask"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.child?.env.BIG_0).toBe(secrets.BIG_0);
  });
});

describe("the limits (pure)", () => {
  it("execve's limit: a quarter of the stack rlimit, at most 6 MiB, at least 128 KiB; Linux only", () => {
    expect(execLimitBytes(8 * 1024 * KiB, "linux")).toBe(2 * 1024 * KiB);
    expect(execLimitBytes(Number.POSITIVE_INFINITY, "linux")).toBe(6 * 1024 * KiB);
    expect(execLimitBytes(256 * KiB, "linux")).toBe(128 * KiB);
    expect(execLimitBytes(8 * 1024 * KiB, "darwin")).toBe(Number.POSITIVE_INFINITY);
  });
  it("counts every string with its NUL and one pointer each", () => {
    const base = execBytes([], {});
    expect(execBytes(["node", "x"], { A: "bc" }) - base).toBe(5 + 2 + 5 + 2 * 8);
    expect(execTooLarge(["node"], { A: "b" }, 2 * 1024 * KiB)).toBeUndefined();
    expect(execTooLarge(["node"], values(3, 100 * KiB), 256 * KiB)).toMatch(
      /take 3\d\d KiB \(3 variables\), more than the 256 KiB/,
    );
  });
  it("the mask budget counts the trie's states without building it", () => {
    const pattern = (text: string) => ({ key: "K", bytes: Buffer.from(text) });
    expect(trieStates([])).toBe(1);
    expect(trieStates([pattern("abcd"), pattern("abxy"), pattern("abcdef"), pattern("zz")])).toBe(1 + 4 + 2 + 2 + 2);
    expect(maskTooLarge(maskPatterns(values(1, 100 * KiB)).patterns)).toBeUndefined();
    expect(maskTooLarge(maskPatterns(values(4, 100 * KiB)).patterns)).toMatch(
      /^--mask: the injected values in every form masked need \d+ automaton states/,
    );
  });
});
