// Mains run in process through their frame (src/cli/frame.ts): what they print goes to the `io`
// they are given, their settings come from its env and cwd, and a Failure ends them as one line
// on io.stderr with its exit code. The black-box suites run the same mains from the binary.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as allow } from "../../src/cli/commands/trust/allow.js";
import { main as check } from "../../src/cli/commands/check/main.js";
import { main as completion } from "../../src/cli/commands/completion/main.js";
import { main as exportMain } from "../../src/cli/commands/export/main.js";
import { completionCommand } from "../../src/cli/commands/completion/command.js";
import { main as secretsList } from "../../src/cli/commands/secrets/list.js";
import { main as templatesValidate } from "../../src/cli/commands/templates/validate.js";
import type { Io } from "../../src/cli/frame.js";
import { useLocalServer } from "../helpers/local-server.js";
import { fileTempDir } from "../helpers/temp.js";

const TOKEN = "secr_cli_frame_admin_5c2e8a1f9d3b";
const server = useLocalServer({
  token: TOKEN,
  seed: {
    orgs: {
      acme: {
        projects: {
          api: {
            environments: { dev: { DATABASE_URL: "frame-db-value-8q2w", API_KEY: "frame-api-key-3k7z" } },
            templates: [{ key: "DATABASE_URL" }, { key: "MISSING_KEY" }],
          },
        },
      },
    },
  },
});
const dirs = fileTempDir("secr-frame-");

function memoryIo(env: Record<string, string>): Io & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  // An empty config and cache home: nothing of the machine's own settings leaks in.
  const base = {
    HOME: dirs.path,
    XDG_CONFIG_HOME: dirs.path,
    XDG_CACHE_HOME: dirs.path,
    SECR_CACHE_DIR: join(dirs.path, "cache"),
  };
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { ...base, ...env },
    cwd: dirs.path,
    out: () => out,
    err: () => err,
  };
}
const scope = () => ({
  SECR_ORG: "acme",
  SECR_PROJECT: "api",
  SECR_ENV: "dev",
  SECR_API_URL: server.url,
  SECR_TOKEN: TOKEN,
});

describe("mains in process, through the frame", () => {
  it("secrets list prints its table to io.stdout, with the settings from io.env", async () => {
    const io = memoryIo(scope());
    expect(await secretsList(["--json"], io)).toBe(0);
    expect(JSON.parse(io.out()).keys.map((k: { key: string }) => k.key)).toEqual(["API_KEY", "DATABASE_URL"]);
    expect(io.err()).toBe("");
    expect(io.out()).not.toContain("frame-db-value-8q2w");
  });

  it("check and templates validate: the verdict on io.stdout and exit 78 for a missing required key", async () => {
    for (const main of [check, templatesValidate]) {
      const io = memoryIo(scope());
      expect(await main([], io)).toBe(78);
      expect(io.out()).toBe(
        "acme/api/dev: missing 1 required key: MISSING_KEY\nacme/api/dev: 1 key not in the template: API_KEY\n",
      );
    }
  });

  it("export prints the environment to io.stdout, settings and cache from io.env", async () => {
    const io = memoryIo(scope());
    expect(await exportMain(["--format", "json", "--no-validate"], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ API_KEY: "frame-api-key-3k7z", DATABASE_URL: "frame-db-value-8q2w" });
    expect(io.err()).toBe("");
    // The snapshot went where io.env's SECR_CACHE_DIR says.
    expect(existsSync(join(dirs.path, "cache"))).toBe(true);
  });

  it("a Failure is one line on io.stderr and its exit code: no settings in io.env is 78", async () => {
    const io = memoryIo({});
    expect(await secretsList([], io)).toBe(78);
    expect(io.out()).toBe("");
    expect(io.err()).toMatch(/^secr-run: .*\n$/);
    expect(io.err().split("\n")).toHaveLength(2);
  });

  it("a usage error is 64 with its suggestion; -q does not silence errors", async () => {
    const io = memoryIo({});
    expect(await completion(["bsh", "-q"], io, [completionCommand])).toBe(64);
    expect(io.err()).toContain('no completion for shell "bsh"');
    expect(io.err()).toContain("bash");
  });

  it("allow reads the project file from io.cwd", async () => {
    const io = memoryIo({});
    expect(await allow([], io)).toBe(78);
    expect(io.err()).toContain(`no .secr.json in ${dirs.path}`);
  });
});
