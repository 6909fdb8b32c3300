// The README's install and try-it blocks, verbatim, in a fresh copy of this repository (the files
// git would check out, no dist/; node_modules as `npm install` would leave it, hard-linked to save
// time) with a clean HOME, npm's global prefix in a temp directory, and no network: packages come
// from npm's cache or a loopback registry (test/helpers/local-registry.ts). Each block runs in its own copy: an unbuilt clone, as a user has it.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { block } from "./blocks.js";
import { NODE, ROOT } from "../helpers/cli.js";
import { localRegistry, type LocalRegistry } from "../helpers/local-registry.js";
import { tempDir } from "../helpers/temp.js";

const version = (
  JSON.parse(
    execFileSync(NODE, ["-p", "JSON.stringify(require('./package.json'))"], { cwd: ROOT, encoding: "utf8" }),
  ) as { version: string }
).version;
const dirs: { remove(): void }[] = [];
let registry: LocalRegistry | undefined;
beforeAll(async () => {
  registry = await localRegistry();
}, 60_000);
afterAll(async () => {
  dirs.forEach((dir) => dir.remove());
  await registry?.close();
});

/** A clone without a build: the repository's files (tracked or new, not ignored) and node_modules. */
function freshClone() {
  const dir = tempDir("secr-run-clone-");
  dirs.push(dir);
  const clone = join(dir.path, "secr-run");
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the work tree
    if (file === "node_modules") continue; // a symlink (.gitignore's node_modules/ matches only a directory): linked below
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(ROOT, file), join(clone, file));
  }
  // realpath: a work tree whose node_modules is a symlink to another checkout's still gets a directory.
  execFileSync("cp", ["-al", realpathSync(join(ROOT, "node_modules")), join(clone, "node_modules")]);
  const home = join(dir.path, "home");
  const prefix = join(dir.path, "npm-global");
  mkdirSync(home);
  mkdirSync(join(prefix, "bin"), { recursive: true });
  const env = {
    HOME: home,
    PATH: [join(prefix, "bin"), dirname(NODE), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
    LANG: "C.UTF-8",
    npm_config_prefix: prefix,
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), ".npm"),
    npm_config_prefer_offline: "true",
    npm_config_registry: registry!.url, // the runtime dependencies, from a loopback registry
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  const sh = (text: string) =>
    execa("bash", ["-e", "-o", "pipefail", "-c", text], {
      cwd: clone,
      env,
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 180_000,
    });
  return { clone, prefix, env, sh };
}

describe("a fresh clone, following the README", () => {
  it("Install, from a clone: npm install; npm link puts secr-run on PATH", async () => {
    const { clone, prefix, env, sh } = freshClone();
    expect(existsSync(join(clone, "dist"))).toBe(false);
    const result = await sh(block("README.md#0").text);
    expect(result.exitCode, result.all).toBe(0);
    expect(realpathSync(join(prefix, "bin", "secr-run"))).toBe(realpathSync(join(clone, "bin", "secr-run.js")));
    const run = await execa("secr-run", ["--version"], { env, extendEnv: false, reject: false });
    expect([run.exitCode, run.stdout, run.stderr]).toEqual([0, version, ""]);
  }, 240_000);

  it("Install, from a packed tarball: npm pack in an unbuilt clone builds, and the global install runs", async () => {
    const { clone, prefix, env, sh } = freshClone();
    const result = await sh(block("README.md#1").text);
    expect(result.exitCode, result.all).toBe(0);
    const listed = execFileSync("tar", ["tzf", join(clone, `secr-run-${version}.tgz`)], { encoding: "utf8" }).split(
      "\n",
    );
    expect(listed).toContain("package/dist/bundle/main.cjs");
    expect(listed).toContain("package/dist/index.js");
    expect(readdirSync(join(prefix, "lib", "node_modules"))).toContain("secr-run");
    const run = await execa("secr-run", ["--help"], { env, extendEnv: false, reject: false, cwd: env.HOME });
    expect([run.exitCode, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain("Exit codes:");
  }, 240_000);

  it("Try it: npm install && npm run demo", async () => {
    const { sh } = freshClone();
    const result = await sh(block("README.md#2").text);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain("received 6 of 6 expected secrets");
  }, 240_000);
});
