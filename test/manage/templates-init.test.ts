// `secr-run templates ...` and `secr-run init`, black-box against a real `secr-run serve`.
import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useLocalServer } from "../helpers/local-server.js";
import { execa } from "execa";
import { readPrivateGroup } from "../../src/config/private-group.js";
import { allRuns, CLI, type CliResult, leaks, NODE, runCli } from "../helpers/cli.js";
import { tempDir, fileTempDir } from "../helpers/temp.js";

const ADMIN = "secr_cli_tplinit_admin_2c4e6a8b";
const VIEWER = "secr_cli_tplinit_viewer_9d7f5b3a";
const SECRET = "tpl-db-url-value-6n2m";

const dir = fileTempDir("secr-tpl-");
const server = useLocalServer({
  token: ADMIN,
  seed: {
    tokens: [{ token: VIEWER, role: "viewer" }],
    orgs: {
      acme: {
        projects: {
          api: { environments: { dev: { DATABASE_URL: SECRET }, empty: {} } },
          web: { environments: { dev: {} } },
        },
      },
    },
  },
});

const env = (extra: Record<string, string> = {}) => ({
  SECR_ORG: "acme",
  SECR_PROJECT: "api",
  SECR_API_URL: server.url,
  SECR_TOKEN: ADMIN,
  ...extra,
});
const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: env(extra) });
const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;

describe("templates", () => {
  it("set KEY (required by default), --optional --description, no --env needed; list and show", async () => {
    const added = await cli(["templates", "set", "DATABASE_URL", "--description", "primary database"]);
    expect([added.exitCode, added.stdout], added.stderr).toEqual([0, "added in acme/api: DATABASE_URL\n"]);
    expect((await cli(["templates", "set", "SENTRY_DSN", "--optional"])).exitCode).toBe(0);
    const list = await cli(["templates", "list"]);
    expect(list.stdout).toMatch(
      /^KEY\s+REQUIRED\s+DESCRIPTION\nDATABASE_URL\s+required\s+primary database\nSENTRY_DSN\s+optional\s*\n$/,
    );
    const show = await cli(["templates", "show", "SENTRY_DSN", "--json"]);
    expect(json(show)).toEqual({
      key: "SENTRY_DSN",
      required: false,
      description: null,
      createdAt: expect.any(String),
    });
  });

  it("set again: unchanged is left alone, a change replaces the key", async () => {
    const same = await cli(["templates", "set", "DATABASE_URL", "--description", "primary database", "--json"]);
    expect(json(same)).toEqual({ created: [], replaced: [], unchanged: ["DATABASE_URL"] });
    const changed = await cli(["templates", "set", "SENTRY_DSN", "--json"]);
    expect(json(changed)).toEqual({ created: [], replaced: ["SENTRY_DSN"], unchanged: [] });
    expect(json<{ required: boolean }>(await cli(["templates", "show", "SENTRY_DSN", "--json"])).required).toBe(true);
  });

  it("set --file: every entry, checked before anything is sent", async () => {
    const good = join(dir.path, "template.json");
    writeFileSync(
      good,
      JSON.stringify([
        { key: "DATABASE_URL", description: "primary database" },
        { key: "REDIS_URL", required: false, description: "cache" },
      ]),
    );
    const result = await cli(["templates", "set", "--file", good, "--project", "web", "--json"]);
    expect(json(result), result.stderr).toEqual({
      created: ["DATABASE_URL", "REDIS_URL"],
      replaced: [],
      unchanged: [],
    });
    const bad = join(dir.path, "bad.json");
    writeFileSync(bad, JSON.stringify([{ key: "OK_KEY" }, { key: "X", required: "yes" }]));
    const refused = await cli(["templates", "set", "--file", bad, "--project", "web"]);
    expect([refused.exitCode, refused.stderr]).toEqual([65, expect.stringContaining("[1].required")]);
    const listed = json<{ templates: { key: string }[] }>(
      await cli(["templates", "list", "--project", "web", "--json"]),
    ).templates.map((t) => t.key);
    expect(listed).toEqual(["DATABASE_URL", "REDIS_URL"]);
    expect((await cli(["templates", "set", "--file", good, "EXTRA"])).exitCode).toBe(64);
    expect((await cli(["templates", "set"])).exitCode).toBe(64);
  });

  it("validate is check under the templates group (exit 0 / 78, --json)", async () => {
    expect((await cli(["templates", "set", "SENTRY_DSN", "--optional"])).exitCode).toBe(0);
    const ok = await cli(["templates", "validate", "--env", "dev"]);
    expect([ok.exitCode, ok.stdout], ok.stderr).toEqual([0, "acme/api/dev: valid\n"]);
    const missing = await cli(["templates", "validate", "--env", "empty", "--json"]);
    expect(missing.exitCode).toBe(78);
    expect(json(missing)).toEqual({
      org: "acme",
      project: "api",
      env: "empty",
      valid: false,
      missing: ["DATABASE_URL"],
      extra: [],
    });
    expect((await cli(["templates", "validate"])).exitCode).toBe(78); // no env: configuration
  });

  it("delete confirms as secrets delete does: without a terminal and without --yes 64, nothing removed", async () => {
    const refused = await cli(["templates", "delete", "SENTRY_DSN"]);
    expect([refused.exitCode, refused.stderr]).toEqual([
      64,
      "secr-run: not removing SENTRY_DSN from the template of acme/api without confirmation: pass --yes\n",
    ]);
    expect((await cli(["templates", "show", "SENTRY_DSN"])).exitCode).toBe(0);
  });

  it("delete --yes; errors: unknown key 78, viewer 77, typo 64", async () => {
    const removed = await cli(["templates", "delete", "SENTRY_DSN", "--yes"]);
    expect([removed.exitCode, removed.stdout]).toEqual([0, "removed from the template of acme/api: SENTRY_DSN\n"]);
    const again = await cli(["templates", "delete", "SENTRY_DSN", "-y"]);
    expect([again.exitCode, again.stderr]).toEqual([
      78,
      "secr-run: no template key SENTRY_DSN in acme/api (see secr-run templates list)\n",
    ]);
    expect((await cli(["templates", "show", "SENTRY_DSN"])).exitCode).toBe(78);
    expect((await cli(["templates", "set", "NEW_KEY"], { SECR_TOKEN: VIEWER })).exitCode).toBe(77);
    const typo = await cli(["templates", "shwo", "X"]);
    expect([typo.exitCode, typo.stderr]).toEqual([64, expect.stringContaining('did you mean "templates show"')]);
  });
});

describe("init", () => {
  const initIn = (cwd: string, args: string[], extra: Record<string, string> = {}) =>
    runCli(["init", ...args], { cwd, env: { SECR_TOKEN: ADMIN, ...extra } });

  it("writes org, project, env (0644) and never a token or an apiUrl it was not given", async () => {
    const project = tempDir("secr-init-");
    try {
      const result = await initIn(project.path, ["--org", "acme", "--project", "api", "--env", "dev"], {
        SECR_API_URL: server.url,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const path = join(project.path, ".secr.json");
      expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ org: "acme", project: "api", env: "dev" });
      expect(statSync(path).mode & 0o777).toBe(0o644);
      expect(readFileSync(path, "utf8")).not.toContain(ADMIN);
      // A command in that directory uses it (the URL from the environment, the rest from the file).
      const check = await runCli(["check"], {
        cwd: project.path,
        env: { SECR_TOKEN: ADMIN, SECR_API_URL: server.url },
      });
      expect([check.exitCode, check.stdout], check.stderr).toEqual([0, "acme/api/dev: valid\n"]);
    } finally {
      project.remove();
    }
  });

  describe("under umask 002 (user-private groups)", () => {
    const uid = process.getuid!();
    const privateGid = readPrivateGroup(uid, process.getgid!());
    /** A project directory made by mkdir and a .secr.json made by init, both under umask 002. */
    const initUnderUmask002 = async (parent: string) => {
      const projectDir = join(parent, "app");
      const made = await execa(
        "sh",
        [
          "-c",
          'umask 002 && mkdir "$1" && cd "$1" && exec "$2" "$3" init --org acme --project api --env dev',
          "sh",
          projectDir,
          NODE,
          CLI,
        ],
        {
          reject: false,
          env: { SECR_TOKEN: ADMIN, PATH: process.env.PATH },
          extendEnv: false,
        },
      );
      expect(made.exitCode, made.stderr).toBe(0);
      expect(statSync(projectDir).mode & 0o777).toBe(0o775);
      return projectDir;
    };
    const runIn = (cwd: string) =>
      runCli(["--", NODE, "-e", "process.exit(process.env.DATABASE_URL ? 0 : 3)"], {
        cwd,
        env: { SECR_TOKEN: ADMIN, SECR_API_URL: server.url },
      });

    it.runIf(privateGid !== undefined)(
      "init, then a run reads .secr.json: the group is the user's own private group",
      async () => {
        const parent = tempDir("secr-umask-");
        try {
          const projectDir = await initUnderUmask002(parent.path);
          expect(statSync(projectDir).gid).toBe(privateGid);
          const result = await runIn(projectDir);
          expect([result.exitCode, result.stderr]).toEqual([0, ""]);
        } finally {
          parent.remove();
        }
      },
    );

    it.runIf(process.getuid?.() === 0)(
      "a group with other members still makes it ignored, and the warning names the fix",
      async () => {
        const parent = tempDir("secr-umask-");
        try {
          const projectDir = await initUnderUmask002(parent.path);
          const shared = Number(
            readFileSync("/etc/passwd", "utf8")
              .split("\n")
              .map((line) => line.split(":")[3])
              .find((gid) => gid && Number(gid) !== process.getgid!()),
          );
          chownSync(projectDir, uid, shared);
          const result = await runIn(projectDir);
          expect(result.exitCode).toBe(78);
          expect(result.stderr).toContain(
            `secr-run: warning: ignoring ${join(projectDir, ".secr.json")}: its directory is writable by its group; `,
          );
          expect(result.stderr).toContain(`; fix: chmod go-w ${projectDir}\n`);
          // The fix works.
          await execa("chmod", ["go-w", projectDir]);
          expect((await runIn(projectDir)).exitCode).toBe(0);
        } finally {
          parent.remove();
        }
      },
    );
  });

  it("refuses to overwrite without --force (78, file untouched); --force replaces", async () => {
    const project = tempDir("secr-init-");
    try {
      const path = join(project.path, ".secr.json");
      writeFileSync(path, '{"org": "mine", "project": "keep"}\n', { mode: 0o644 });
      const refused = await initIn(project.path, ["--org", "acme", "--project", "api"]);
      expect([refused.exitCode, refused.stderr]).toEqual([
        78,
        expect.stringContaining("exists; keep it, or replace it with --force"),
      ]);
      expect(readFileSync(path, "utf8")).toBe('{"org": "mine", "project": "keep"}\n');
      expect((await initIn(project.path, ["--org", "acme", "--project", "api", "--force", "--json"])).exitCode).toBe(0);
      expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ org: "acme", project: "api" });
    } finally {
      project.remove();
    }
  });

  it("--api-url is written and trusted (the user chose it here): later commands need no allow", async () => {
    const project = tempDir("secr-init-");
    try {
      const result = await initIn(
        project.path,
        ["--org", "acme", "--project", "api", "--env", "dev", "--api-url", server.url],
        { XDG_CONFIG_HOME: join(project.path, "config") },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(project.path, ".secr.json"), "utf8"))).toEqual({
        org: "acme",
        project: "api",
        env: "dev",
        apiUrl: server.url,
      });
      const list = await runCli(["secrets", "list", "--json"], {
        cwd: project.path,
        env: { SECR_TOKEN: ADMIN, XDG_CONFIG_HOME: join(project.path, "config") },
      });
      expect(list.exitCode, list.stderr).toBe(0);
      // Another user's config (no trust recorded) still refuses the file's apiUrl.
      const untrusted = await runCli(["secrets", "list"], { cwd: project.path, env: { SECR_TOKEN: ADMIN } });
      expect([untrusted.exitCode, untrusted.stderr]).toEqual([78, expect.stringContaining("secr-run allow")]);
    } finally {
      project.remove();
    }
  });

  it("usage: --org/--project missing 64, bad --api-url 64; nothing written", async () => {
    const project = tempDir("secr-init-");
    try {
      const missing = await initIn(project.path, ["--org", "acme"]);
      expect([missing.exitCode, missing.stderr]).toEqual([64, expect.stringContaining("missing --project")]);
      expect((await initIn(project.path, ["--org", "acme", "--project", "api", "--api-url", "ftp://x"])).exitCode).toBe(
        64,
      );
      expect(
        (await initIn(project.path, ["--org", "acme", "--project", "api", "--token", "secr_cli_x_123456"])).exitCode,
      ).toBe(64);
      expect(existsSync(join(project.path, ".secr.json"))).toBe(false);
    } finally {
      project.remove();
    }
  });
});

describe("no value, no token", () => {
  it("no run printed the secret or a token", () => {
    expect(
      leaks(
        allRuns.flatMap((run) => [run.stdout, run.stderr]),
        [SECRET, ADMIN, VIEWER],
      ),
    ).toEqual([]);
  });
});
