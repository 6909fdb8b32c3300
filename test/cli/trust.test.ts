// Attacks through a planted or committed .secr.json, against the built CLI: the token must reach
// only a server the user chose. The attacker is a real loopback listener (port 0) that records
// every connection and Authorization header it gets.
import { chmodSync, chownSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { allRuns, leaks, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const TOKEN = "secr_cli_trusttest_7d3e9a1c5b2f4e80";
const isRoot = process.getuid?.() === 0;

interface Listener {
  url: string;
  connections: number;
  authorizations: string[];
  reset(): void;
  close(): Promise<void>;
}

/** Answers 401 to everything, after noting what it got. */
async function listen(): Promise<Listener> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, authorizations: [] as string[] };
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization !== undefined) state.authorizations.push(req.headers.authorization);
    res.writeHead(401, { "content-type": "application/json" });
    res.end('{"error":"unauthorized","message":"no"}');
  });
  server.on("connection", (socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return state.connections;
    },
    authorizations: state.authorizations,
    reset: () => {
      state.connections = 0;
      state.authorizations.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let attacker: Listener;
let chosen: Listener;
beforeAll(async () => {
  [attacker, chosen] = await Promise.all([listen(), listen()]);
});
afterAll(async () => {
  await Promise.all([attacker?.close(), chosen?.close()]);
  // No run printed the token.
  expect(
    leaks(
      allRuns.flatMap((r) => [r.stdout, r.stderr]),
      [TOKEN],
    ),
  ).toEqual([]);
});
afterEach(() => {
  // Each test asserts on what it sent; start the next from zero.
  attacker.reset();
  chosen.reset();
});

const dirs: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

/** `<tmp>/<name>/.secr.json` pointing at `apiUrl`, and a working directory below it. */
function plant(name: string, apiUrl: string, { fileMode = 0o644, dirMode = 0o755 } = {}) {
  const tmp = tempDir();
  dirs.push(tmp);
  const dir = join(tmp.path, name);
  const work = join(dir, "work");
  mkdirSync(work, { recursive: true });
  const file = join(dir, ".secr.json");
  writeFileSync(file, JSON.stringify({ org: "acme", project: "api", env: "production", apiUrl }));
  chmodSync(file, fileMode);
  chmodSync(dir, dirMode);
  return { dir, work, file, config: join(tmp.path, "config") };
}

const run = (cwd: string, config: string, env: Record<string, string> = {}, args: string[] = []) =>
  runCli([...args, "--timeout", "10s", "--", "true"], {
    cwd,
    env: { SECR_TOKEN: TOKEN, XDG_CONFIG_HOME: config, ...env },
  });

describe("a .secr.json someone else could have written is ignored (git's safe.directory rule)", () => {
  it("world-writable file in a parent directory: one warning naming it, nothing sent", async () => {
    const { work, file, config } = plant("shared", attacker.url, { fileMode: 0o666 });
    const result = await run(work, config);
    expect(attacker.connections).toBe(0);
    expect(result.exitCode).toBe(78); // org/project/env were only in the ignored file
    const warnings = result.stderr.split("\n").filter((line) => line.includes("warning:"));
    expect(warnings).toEqual([
      `secr-run: warning: ignoring ${file}: it is writable by other users; a .secr.json is read only if it and its directory belong to you (or root) and no one else can write them; fix: chmod go-w ${file}`,
    ]);
    expect(result.stderr).toContain("missing settings: org");
  });

  it.runIf(isRoot)("file owned by another user (uid 65534): ignored, nothing sent", async () => {
    const { work, file, config } = plant("theirs", attacker.url);
    chownSync(file, 65534, 65534);
    const result = await run(work, config);
    expect(attacker.connections).toBe(0);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`warning: ignoring ${file}: it belongs to another user (uid 65534)`);
  });

  it("file of your own in a world-writable directory with the sticky bit (like /tmp): ignored, nothing sent", async () => {
    const { work, file, config } = plant("tmp-like", attacker.url, { dirMode: 0o1777 });
    const result = await run(work, config);
    expect(attacker.connections).toBe(0);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`warning: ignoring ${file}: its directory is writable by other users`);
    // Not "chmod /tmp": a shared directory is not the user's to change.
    expect(result.stderr).toContain(
      "; fix: keep the project in a directory of your own, or give the settings with flags or SECR_* variables\n",
    );
  });

  it("allow refuses such a file too, and records nothing", async () => {
    const { work, file, config } = plant("shared-allow", attacker.url, { fileMode: 0o666 });
    const allowed = await runCli(["allow"], { cwd: work, env: { XDG_CONFIG_HOME: config } });
    expect(allowed.exitCode).toBe(78);
    expect(allowed.stderr).toMatch(
      new RegExp(`^secr-run: cannot trust ${file.replace(/[.]/g, "\\.")}: it is writable by other users; .*\\n$`),
    );
    expect(statSync(config, { throwIfNoEntry: false })).toBeUndefined();
    expect((await runCli(["allow", file], { cwd: work, env: { XDG_CONFIG_HOME: config } })).exitCode).toBe(78);
    expect(attacker.connections).toBe(0);
  });
});

describe("a project file's apiUrl is used only once the user trusts that content (secr-run allow)", () => {
  it("refuses (78) before sending anything, until allow; an edit or deny takes the trust back", async () => {
    const { dir, work, file, config } = plant("repo", attacker.url);
    const hint = `secr-run: ${file} sets apiUrl "${attacker.url}"; trust it with: secr-run allow ${file}\n`;

    const untrusted = await run(work, config);
    expect(untrusted.exitCode).toBe(78);
    expect(untrusted.stderr).toBe(hint);
    expect(attacker.connections).toBe(0);

    // check and export read their settings the same way.
    for (const args of [["check"], ["export", "--format", "json"]]) {
      const other = await runCli(args, { cwd: work, env: { SECR_TOKEN: TOKEN, XDG_CONFIG_HOME: config } });
      expect([other.exitCode, other.stderr]).toEqual([78, hint]);
    }
    expect(attacker.connections).toBe(0);

    const allowed = await runCli(["allow"], { cwd: work, env: { XDG_CONFIG_HOME: config } });
    expect([allowed.exitCode, allowed.stdout, allowed.stderr]).toEqual([
      0,
      `trusted ${file} (apiUrl "${attacker.url}")\n`,
      "",
    ]);
    const trusted = await run(work, config);
    expect(trusted.exitCode).toBe(77); // the listener answers 401: the request did go there
    expect(attacker.authorizations).toContain(`Bearer ${TOKEN}`);

    // Any change to the bytes needs a new allow.
    attacker.authorizations.length = 0;
    const before = attacker.connections;
    writeFileSync(file, JSON.stringify({ org: "acme", project: "api", env: "staging", apiUrl: attacker.url }));
    const edited = await run(work, config);
    expect([edited.exitCode, edited.stderr]).toEqual([78, hint]);
    expect(attacker.connections).toBe(before);

    // allow PATH (a directory means its .secr.json), then deny.
    expect((await runCli(["allow", dir], { cwd: work, env: { XDG_CONFIG_HOME: config } })).exitCode).toBe(0);
    expect((await run(work, config)).exitCode).toBe(77);
    expect(attacker.connections).toBeGreaterThan(before);
    const denied = await runCli(["deny"], { cwd: work, env: { XDG_CONFIG_HOME: config } });
    expect([denied.exitCode, denied.stdout]).toEqual([0, `no longer trusted: ${file}\n`]);
    const after = attacker.connections;
    const again = await run(work, config);
    expect([again.exitCode, again.stderr]).toEqual([78, hint]);
    expect(attacker.connections).toBe(after);
  });

  it("an apiUrl with terminal escapes is printed stripped, on one line", async () => {
    const { work, config } = plant("escapes", `${attacker.url}/\u001b]0;owned\u0007\u001b[2J`);
    const result = await run(work, config);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(
      /^secr-run: .* sets apiUrl "http:\/\/127\.0\.0\.1:\d+\/\]0;owned\[2J"; trust it with: secr-run allow \S+\n$/,
    );
    expect(attacker.connections).toBe(0);
  });

  it("a look-alike host (Cyrillic е in api.sеcr.dev) is shown in punycode and said to be not ASCII, in the refusal and by allow", async () => {
    const { work, file, config } = plant("lookalike", "https://api.s\u0435cr.dev/v1");
    const note =
      '(its host is not ASCII: api.xn--scr-rdd.dev is the international name "api.s\u0435cr.dev", which can look like another name)';
    const refused = await run(work, config);
    expect([refused.exitCode, refused.stderr]).toEqual([
      78,
      `secr-run: ${file} sets apiUrl "https://api.xn--scr-rdd.dev/v1" ${note}; trust it with: secr-run allow ${file}\n`,
    ]);
    expect(refused.stderr).not.toContain('"https://api.s\u0435cr.dev/v1"');
    const allowed = await runCli(["allow"], { cwd: work, env: { XDG_CONFIG_HOME: config } });
    expect([allowed.exitCode, allowed.stdout]).toEqual([
      0,
      `trusted ${file} (apiUrl "https://api.xn--scr-rdd.dev/v1" ${note})\n`,
    ]);
    // Written in punycode already: still said to be an international name.
    const { work: work2, config: config2 } = plant("punycode", "https://xn--80ak6aa92e.com");
    expect((await run(work2, config2)).stderr).toContain(
      'apiUrl "https://xn--80ak6aa92e.com" (its host is not ASCII: xn--80ak6aa92e.com is the international name "\u0430\u0440\u0440\u04cf\u0435.com"',
    );
    expect(attacker.connections).toBe(0);
  });

  it("--api-url or SECR_API_URL needs no trust: the token goes where the user said, not to the file's URL", async () => {
    const { work, config } = plant("override", attacker.url);
    const byEnv = await run(work, config, { SECR_API_URL: chosen.url });
    const byFlag = await run(work, config, {}, ["--api-url", chosen.url]);
    for (const result of [byEnv, byFlag])
      expect([result.exitCode, result.stderr]).toEqual([77, expect.not.stringContaining("allow")]);
    expect(chosen.authorizations.length).toBeGreaterThanOrEqual(2);
    expect(new Set(chosen.authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
    expect(attacker.connections).toBe(0);
  });

  it("org/project/env from an untrusted file are used as they are", async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    writeFileSync(join(tmp.path, ".secr.json"), JSON.stringify({ org: "acme", project: "api", env: "production" }));
    const result = await run(tmp.path, join(tmp.path, "config"), { SECR_API_URL: chosen.url });
    expect(result.exitCode).toBe(77);
    expect(chosen.authorizations.at(-1)).toBe(`Bearer ${TOKEN}`);
  });

  it("the trust store is 0600 in a 0700 directory; once others can write it, it is not used", async () => {
    const { work, file, config } = plant("store", attacker.url);
    expect((await runCli(["allow", file], { cwd: work, env: { XDG_CONFIG_HOME: config } })).exitCode).toBe(0);
    const store = join(config, "secr-run", "trusted.json");
    expect(statSync(join(config, "secr-run")).mode & 0o777).toBe(0o700);
    expect(statSync(store).mode & 0o777).toBe(0o600);
    chmodSync(store, 0o666);
    const before = attacker.connections;
    const result = await run(work, config);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toBe(
      `secr-run: ${store} is not used: it is writable by other users (fix: chmod 700 on the directory, 600 on the file)\n`,
    );
    expect(attacker.connections).toBe(before);
  });
});

describe("allow / deny usage", () => {
  it("no .secr.json: 78 naming where it looked; a bad option: 64; --help: 0", async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    const none = await runCli(["allow", join(tmp.path)], { env: { XDG_CONFIG_HOME: join(tmp.path, "c") } });
    expect([none.exitCode, none.stderr]).toEqual([78, `secr-run: no .secr.json at ${join(tmp.path, ".secr.json")}\n`]);
    expect((await runCli(["deny", "--bogus"])).exitCode).toBe(64);
    expect((await runCli(["allow", "a", "b"])).exitCode).toBe(64);
    const help = await runCli(["allow", "--help"]);
    expect([help.exitCode, help.stdout]).toEqual([0, expect.stringContaining("secr-run allow [options] [<path>]")]);
    const notTrusted = await runCli(["deny", tmp.path], { env: { XDG_CONFIG_HOME: join(tmp.path, "c") } });
    expect([notTrusted.exitCode, notTrusted.stdout]).toEqual([0, `${join(tmp.path, ".secr.json")} was not trusted\n`]);
    expect(statSync(join(tmp.path, "c"), { throwIfNoEntry: false })).toBeUndefined();
  });
});
