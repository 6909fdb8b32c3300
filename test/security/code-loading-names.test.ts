// The attack: whoever can write a secret names it so that a tool the command runs loads code
// from it. Both exploits below ran code through secr-run before the name rules knew them; each
// test runs the real tool through the built CLI and checks for the marker file the injected
// code would create. The --allow-name runs prove the exploits work, so the refusals can fail.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const TOKEN = "secr_cli_codeload_5e1d9c3a7b0f2468";
let secrets: Record<string, string> = {};
let msw: MswServer;
const dir = tempDir("secr-run-codeload-");

beforeAll(async () => {
  msw = await startMswServer(...secrHandlers(() => secrets));
});
afterAll(async () => {
  await msw?.close();
  dir.remove();
});

let n = 0;
function run(command: string[], cwd: string, extra: string[] = []) {
  return runCli(["--org", "acme", "--project", "api", "--env", "production", ...extra, "--", ...command], {
    cwd,
    env: { SECR_API_URL: msw.url, SECR_TOKEN: TOKEN, HOME: dir.path },
  });
}

/** JavaScript that creates `marker`, as a data: URL module for --import (percent-encoded: NODE_OPTIONS
 *  splits on spaces and eats quotes). */
function markerModule(marker: string): string {
  const js = `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "ran");`;
  return `--import=data:text/javascript,${encodeURIComponent(js)}`;
}

describe.each(["npm_config_node_options", "NPM_CONFIG_NODE_OPTIONS", "Npm_Config_Node_Options"])(
  "%s under `npm run start`",
  (name) => {
    it("is refused with exit 65 and the injected code never runs; --allow-name shows the exploit is real", async () => {
      const project = join(dir.path, `npm-${++n}`);
      mkdirSync(project);
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({ name: "victim", version: "1.0.0", scripts: { start: "node -e 0" } }),
      );
      const marker = join(project, "marker");
      secrets = { DATABASE_URL: "postgres://db-codeload-1", [name]: markerModule(marker) };

      const refused = await run(["npm", "run", "start"], project);
      expect(refused.exitCode, refused.stderr).toBe(65);
      expect(refused.stderr).toContain(name);
      expect(refused.stderr).toContain("--allow-name");
      expect(existsSync(marker)).toBe(false);

      const allowed = await run(["npm", "run", "start"], project, ["--allow-name", name]);
      expect(allowed.exitCode, allowed.stderr).toBe(0);
      expect(existsSync(marker)).toBe(true);
    });
  },
);

describe("GIT_CONFIG_COUNT / GIT_CONFIG_KEY_0 / GIT_CONFIG_VALUE_0 under `git status`", () => {
  it("is refused with exit 65 and core.fsmonitor never runs; --allow-name shows the exploit is real", async () => {
    const repo = join(dir.path, "repo");
    mkdirSync(repo);
    execFileSync("git", ["init", "-q", repo]);
    const marker = join(dir.path, "git-marker");
    secrets = {
      DATABASE_URL: "postgres://db-codeload-2",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "core.fsmonitor",
      GIT_CONFIG_VALUE_0: `touch '${marker}'; false`,
    };

    const refused = await run(["git", "status", "--short"], repo);
    expect(refused.exitCode, refused.stderr).toBe(65);
    expect(refused.stderr).toContain("GIT_CONFIG_COUNT, GIT_CONFIG_KEY_0, GIT_CONFIG_VALUE_0");
    expect(existsSync(marker)).toBe(false);

    const allow = [
      "--allow-name",
      "GIT_CONFIG_COUNT",
      "--allow-name",
      "GIT_CONFIG_KEY_0",
      "--allow-name",
      "GIT_CONFIG_VALUE_0",
    ];
    const allowed = await run(["git", "status", "--short"], repo, allow);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});
