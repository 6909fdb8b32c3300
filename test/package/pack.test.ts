// What `npm publish` would ship (npm pack --dry-run) and what it needs at run time: the CLI's
// bundles run from the packed files alone, with no node_modules; `dependencies` are exactly the
// packages the library export (dist/index.js) imports. See docs/design/cli-architecture.md, "Packaging".
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_IN_PACKAGE, ROOT } from "../helpers/cli.js";
import { tempDir, type TempDir } from "../helpers/temp.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  license: string;
  dependencies: Record<string, string>;
};
let files: string[] = [];
let packed: TempDir | undefined;
let installed = "";

beforeAll(async () => {
  const { stdout } = await execa("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT });
  files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
  // The packed files alone, where no node_modules can be found above them.
  packed = tempDir("secr-run-packed-");
  installed = packed.path;
  for (const file of files) {
    mkdirSync(dirname(join(installed, file)), { recursive: true });
    cpSync(join(ROOT, file), join(installed, file));
  }
}, 120_000);
afterAll(() => packed?.remove());

describe("npm pack", () => {
  it("ships the CLI, the library, README and LICENSE; no tests, sources, maps or tooling", () => {
    for (const path of [
      "LICENSE",
      "README.md",
      "package.json",
      CLI_IN_PACKAGE,
      "bin/package.json",
      "dist/bundle/main.cjs",
      "dist/bundle/run.cjs",
      "dist/bundle/serve.js",
      "dist/index.js",
      "dist/index.d.ts",
    ]) {
      expect(files, path).toContain(path);
    }
    const unexpected = files.filter(
      (path) =>
        /^(test|src|bench|scripts|docs|node_modules)\//.test(path) ||
        path.endsWith(".map") ||
        /\.test\./.test(path) ||
        path.startsWith("tsconfig"),
    );
    expect(unexpected).toEqual([]);
    // Only what `files` lists (examples/ on purpose: `npm run demo` and the README's first section).
    expect(files.filter((path) => !/^(bin|dist|examples)\/|^(LICENSE|README\.md|package\.json)$/.test(path))).toEqual(
      [],
    );
  });

  it("LICENSE is the license package.json names", () => {
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
  });
});

describe("runtime dependencies", () => {
  const cli = (args: string[]) =>
    execa(process.execPath, [join(installed, CLI_IN_PACKAGE), ...args], {
      reject: false,
      extendEnv: false,
      cwd: installed,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        XDG_CACHE_HOME: join(installed, "cache"),
        XDG_CONFIG_HOME: join(installed, "config"),
      },
    });

  it("the CLI runs from the packed files with no node_modules at all (every bundle holds its dependencies)", async () => {
    expect((await cli(["--version"])).stdout).toBe(pkg.version);
    const help = await cli(["--help"]); // yargs
    expect([help.exitCode, help.stderr]).toEqual([0, ""]);
    expect(help.stdout).toContain("Exit codes:");
    expect((await cli(["completion", "bash"])).exitCode).toBe(0);
    expect((await cli(["serve", "--help"])).stdout).toContain("--seed"); // serve.js
    // run.cjs and the client (undici, zod): a real fetch, refused.
    const run = await cli([
      "--org",
      "a",
      "--project",
      "b",
      "--env",
      "c",
      "--token",
      "secr_cli_pack_0000",
      "--api-url",
      "http://127.0.0.1:1",
      "--timeout",
      "300ms",
      "--",
      "true",
    ]);
    expect(run.exitCode, run.stderr).toBe(69);
    const offline = await cli(["--org", "a", "--project", "b", "--env", "c", "--offline", "--", "true"]);
    expect(offline.exitCode, offline.stderr).toBe(78);
  }, 60_000);

  it("dependencies are exactly the packages the library export imports", async () => {
    const result = await build({
      entryPoints: [join(installed, "dist/index.js")],
      bundle: true,
      platform: "node",
      packages: "external",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const imported = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const { path, external } of input.imports) {
        if (!external || path.startsWith("node:")) continue;
        imported.add(path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]!);
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});
