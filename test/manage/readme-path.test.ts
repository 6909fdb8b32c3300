// The README's "Your own project in two minutes", step by step, each answer checked (the block
// itself runs verbatim, pasted as one, in test/docs/pasted-blocks.test.ts), with secr-run commands only:
// serve with an admin token -> a project -> an environment -> a secret -> a template -> a scoped
// viewer token -> init -> a run that sees the secret with that token -> the token reaches
// nothing else.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useLocalServer } from "../helpers/local-server.js";
import { allRuns, leaks, NODE, runCli } from "../helpers/cli.js";
import { readRecord, RECORD_CHILD, recordFile } from "../helpers/record.js";
import { fileTempDir } from "../helpers/temp.js";

const ADMIN = "secr_cli_readme_admin_3b5d7f9a1c";
const DATABASE_URL = "postgres://shop:readme-pass-8w2q@db/shop";
const OTHER_SECRET = "other-project-value-4r6t";

const workdir = fileTempDir("secr-readme-");
// `secr-run serve --token ...` with an empty data directory: nothing seeded.
const server = useLocalServer({ token: ADMIN });

describe("README: your own project in two minutes", () => {
  it("from nothing to a run with a scoped token, using only secr-run", async () => {
    const admin = { SECR_API_URL: server.url, SECR_TOKEN: ADMIN };
    const step = async (
      args: string[],
      options: { input?: string; env?: Record<string, string>; cwd?: string } = {},
    ) => {
      const result = await runCli(args, {
        env: { ...admin, ...options.env },
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      });
      expect(result.exitCode, `secr-run ${args.join(" ")}\n${result.stderr}`).toBe(0);
      return result;
    };

    // 1. a project (with development, staging, production) and an environment of our own
    expect((await step(["admin", "projects", "create", "acme/shop"])).stdout).toBe(
      "created acme/shop with environments development, staging, production\n",
    );
    expect((await step(["admin", "envs", "create", "demo", "--org", "acme", "--project", "shop"])).stdout).toBe(
      "created acme/shop/demo\n",
    );
    // 2. a secret (from stdin, never in argv) and the template that requires it
    expect(
      (
        await step(["secrets", "set", "DATABASE_URL", "--org", "acme", "--project", "shop", "--env", "demo"], {
          input: `${DATABASE_URL}\n`,
        })
      ).stdout,
    ).toBe("DATABASE_URL: version 1 in acme/shop/demo\n");
    await step([
      "templates",
      "set",
      "DATABASE_URL",
      "--org",
      "acme",
      "--project",
      "shop",
      "--description",
      "the shop's database",
    ]);
    // 3. a viewer token for exactly acme/shop/demo, printed once on stdout
    const created = await step([
      "admin",
      "tokens",
      "create",
      "--name",
      "shop-demo",
      "--role",
      "viewer",
      "--org",
      "acme",
      "--project",
      "shop",
      "--env",
      "demo",
      "--expires",
      "90d",
    ]);
    const token = created.stdout.trim();
    expect(token).toMatch(/^\S{16,}$/);
    expect(created.stdout).toBe(`${token}\n`);
    expect(created.stderr).toMatch(/created token \S+ \(shop-demo, viewer, acme\/shop\/demo, expires /);

    // 4. the app's directory: .secr.json from init, the token from the environment
    const app = join(workdir.path, "app");
    mkdirSync(app);
    await step(["init", "--org", "acme", "--project", "shop", "--env", "demo"], { cwd: app });
    expect(JSON.parse(readFileSync(join(app, ".secr.json"), "utf8"))).toEqual({
      org: "acme",
      project: "shop",
      env: "demo",
    });
    const asApp = { SECR_API_URL: server.url, SECR_TOKEN: token };
    const record = recordFile();
    const run = await runCli(["--", NODE, RECORD_CHILD], { cwd: app, env: { ...asApp, RECORD_TO: record } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readRecord(record)?.env.DATABASE_URL).toBe(DATABASE_URL);
    expect((await runCli(["check"], { cwd: app, env: asApp })).stdout).toBe("acme/shop/demo: valid\n");

    // 5. that token reaches nothing else: another project, another environment, or a write
    await step(["admin", "projects", "create", "acme/other"]);
    await step(["secrets", "set", "SECRET", "--org", "acme", "--project", "other", "--env", "production"], {
      input: OTHER_SECRET,
    });
    const otherProject = await runCli(["secrets", "get", "SECRET", "--project", "other", "--env", "production"], {
      cwd: app,
      env: asApp,
    });
    expect(otherProject.exitCode).toBe(77);
    expect(otherProject.stdout).toBe("");
    const otherRecord = recordFile();
    const otherRun = await runCli(["--project", "other", "--env", "production", "--", NODE, RECORD_CHILD], {
      cwd: app,
      env: { ...asApp, RECORD_TO: otherRecord },
    });
    expect(otherRun.exitCode).toBe(77);
    expect(readRecord(otherRecord)).toBeUndefined();
    expect((await runCli(["secrets", "list", "--env", "production"], { cwd: app, env: asApp })).exitCode).toBe(77);
    expect(
      (await runCli(["secrets", "set", "DATABASE_URL"], { cwd: app, env: asApp, input: "overwrite-attempt-1z" }))
        .exitCode,
    ).toBe(77);

    // 6. the admin sees the token (never its secret) and can revoke it; then it is refused
    const listed = JSON.parse((await step(["admin", "tokens", "list", "--json"])).stdout) as {
      tokens: { id: string; name: string; state: string }[];
    };
    const entry = listed.tokens.find((t) => t.name === "shop-demo")!;
    expect(entry.state).toBe("active");
    await step(["admin", "tokens", "revoke", entry.id]);
    expect((await runCli(["check"], { cwd: app, env: asApp })).exitCode).toBe(77);

    // Values and tokens: only `secrets get` prints a value, only `tokens create` the new token.
    const printed = allRuns
      .filter((r) => !(r.args[0] === "admin" && r.args[2] === "create" && r.args[1] === "tokens"))
      .flatMap((r) => [r.stdout, r.stderr]);
    expect(leaks(printed, [DATABASE_URL, OTHER_SECRET, ADMIN, token])).toEqual([]);
  });
});
