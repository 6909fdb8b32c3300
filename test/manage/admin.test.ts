// `secr-run admin ...` against a real `secr-run serve`: projects, environments and tokens
// through the API, their errors, and no token secret outside `tokens create`.
import { describe, expect, it } from "vitest";
import { useLocalServer } from "../helpers/local-server.js";
import { allRuns, type CliResult, leaks, runCli } from "../helpers/cli.js";

const ADMIN = "secr_cli_admincmd_admin_6d8f0b2c4e";
const VIEWER = "secr_cli_admincmd_viewer_1a3c5e7g";
const server = useLocalServer({
  token: ADMIN,
  seed: {
    tokens: [{ token: VIEWER, role: "viewer" }],
    orgs: { acme: { projects: { api: { environments: { dev: { K: "admin-test-value-5p" } } } } } },
  },
});

const created: string[] = [];
const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, {
    env: { SECR_API_URL: server.url, SECR_TOKEN: ADMIN, SECR_ORG: "acme", SECR_PROJECT: "api", ...extra },
  });
const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;

describe("admin projects and envs", () => {
  it("projects create ORG/PROJECT; an existing one is 78; a bad name 64; a viewer 77", async () => {
    const result = await cli(["admin", "projects", "create", "globex/site", "--json"]);
    expect(json(result), result.stderr).toEqual({
      org: "globex",
      slug: "site",
      environments: ["development", "staging", "production"],
    });
    const again = await cli(["admin", "projects", "create", "globex/site"]);
    expect(again.exitCode).toBe(78);
    expect(again.stderr).toMatch(/409|exists/);
    expect((await cli(["admin", "projects", "create", "site"])).exitCode).toBe(64);
    expect((await cli(["admin", "projects", "create", "a/b"], { SECR_TOKEN: VIEWER })).exitCode).toBe(77);
  });

  it("envs create, list, delete (--yes without a terminal)", async () => {
    expect((await cli(["admin", "envs", "create", "qa"])).stdout).toBe("created acme/api/qa\n");
    expect((await cli(["admin", "envs", "create", "qa"])).exitCode).toBe(78);
    expect(json<{ environments: string[] }>(await cli(["admin", "envs", "list", "--json"])).environments).toEqual(
      expect.arrayContaining(["dev", "qa"]),
    );
    const refused = await cli(["admin", "envs", "delete", "qa"]);
    expect([refused.exitCode, refused.stderr]).toEqual([
      64,
      "secr-run: not deleting acme/api/qa without confirmation: pass --yes\n",
    ]);
    expect((await cli(["admin", "envs", "list"])).stdout).toContain("qa\n");
    expect((await cli(["admin", "envs", "delete", "qa", "--yes"])).stdout).toBe("deleted acme/api/qa\n");
    expect((await cli(["admin", "envs", "list"])).stdout).not.toContain("qa\n");
    expect((await cli(["admin", "envs", "delete", "qa", "--yes"])).exitCode).toBe(78);
    expect((await cli(["admin", "envs", "list"], { SECR_PROJECT: "nope" })).exitCode).toBe(78);
  });
});

describe("admin tokens", () => {
  it("create prints the token alone on stdout; it works, within its scope only", async () => {
    const result = await cli([
      "admin",
      "tokens",
      "create",
      "--name",
      "ci",
      "--role",
      "viewer",
      "--org",
      "acme",
      "--project",
      "api",
      "--env",
      "dev",
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const token = result.stdout.trim();
    created.push(token);
    expect(result.stdout).toBe(`${token}\n`);
    expect(result.stderr).toMatch(
      /^secr-run: created token \S+ \(ci, viewer, acme\/api\/dev, no expiry\); it is shown this once/,
    );
    expect((await cli(["secrets", "list", "--env", "dev"], { SECR_TOKEN: token })).exitCode).toBe(0);
    expect((await cli(["admin", "envs", "create", "x"], { SECR_TOKEN: token })).exitCode).toBe(77);
  });

  it("--json, --expires; the scope comes from flags only (SECR_ORG does not narrow or widen it)", async () => {
    const result = await cli([
      "admin",
      "tokens",
      "create",
      "--name",
      "short",
      "--role",
      "admin",
      "--expires",
      "1h",
      "--json",
    ]);
    const body = json<{ token: string; org: string | null; expiresAt: string; role: string }>(result);
    created.push(body.token);
    expect(body).toMatchObject({ role: "admin", org: null });
    const hours = (Date.parse(body.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(0.9);
    expect(hours).toBeLessThanOrEqual(1);
  });

  it("list shows ids, names, scopes and states, never a token; revoke makes it 401 (77)", async () => {
    const result = await cli(["admin", "tokens", "create", "--name", "doomed", "--role", "viewer", "--org", "acme"]);
    const token = result.stdout.trim();
    created.push(token);
    const list = await cli(["admin", "tokens", "list"]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+SCOPE\s+STATE\s+EXPIRES\s+CREATED BY\n/);
    expect(list.stdout).toMatch(/doomed\s+viewer\s+acme\s+active\s+never\s+session\n/);
    const id = json<{ tokens: { id: string; name: string }[] }>(
      await cli(["admin", "tokens", "list", "--json"]),
    ).tokens.find((t) => t.name === "doomed")!.id;
    expect((await cli(["admin", "tokens", "revoke", id])).stdout).toBe(`revoked token ${id}\n`);
    expect((await cli(["secrets", "list", "--env", "dev"], { SECR_TOKEN: token })).exitCode).toBe(77);
    expect((await cli(["admin", "tokens", "list"])).stdout).toMatch(/doomed\s+viewer\s+acme\s+revoked/);
    expect((await cli(["admin", "tokens", "revoke", "tok_nope"])).exitCode).toBe(78);
  });

  it("a token made by a 1h admin token expires with it, shows its creator, and is revoked with it", async () => {
    const parent = json<{ id: string; token: string; expiresAt: string }>(
      await cli([
        "admin",
        "tokens",
        "create",
        "--name",
        "hour",
        "--role",
        "admin",
        "--org",
        "acme",
        "--expires",
        "1h",
        "--json",
      ]),
    );
    created.push(parent.token);
    const made = await cli(["admin", "tokens", "create", "--name", "minted", "--role", "admin", "--org", "acme"], {
      SECR_TOKEN: parent.token,
    });
    created.push(made.stdout.trim());
    expect(made.stderr).toContain(`expires ${parent.expiresAt}`);
    const too = await cli(
      ["admin", "tokens", "create", "--name", "x", "--role", "viewer", "--org", "acme", "--expires", "2h"],
      { SECR_TOKEN: parent.token },
    );
    expect([too.exitCode, too.stderr]).toEqual([
      78,
      expect.stringContaining("must not be later than the expiry of the token creating it"),
    ]);
    const child = json<{ tokens: { id: string; name: string; createdBy: string | null }[] }>(
      await cli(["admin", "tokens", "list", "--json"]),
    ).tokens.find((t) => t.name === "minted")!;
    expect(child.createdBy).toBe(parent.id);
    expect((await cli(["admin", "tokens", "revoke", parent.id])).stdout).toBe(
      `revoked token ${parent.id}\nrevoked token ${child.id} (created by ${parent.id})\n`,
    );
    expect((await cli(["secrets", "list", "--env", "dev"], { SECR_TOKEN: made.stdout.trim() })).exitCode).toBe(77);
  });

  it("usage: missing --name / --role, bad --role (did you mean), --env without --project, bad --expires: 64", async () => {
    expect((await cli(["admin", "tokens", "create", "--role", "viewer"])).exitCode).toBe(64);
    expect((await cli(["admin", "tokens", "create", "--name", "x"])).exitCode).toBe(64);
    const role = await cli(["admin", "tokens", "create", "--name", "x", "--role", "veiwer"]);
    expect([role.exitCode, role.stderr]).toEqual([64, expect.stringContaining("did you mean viewer?")]);
    expect(
      (await cli(["admin", "tokens", "create", "--name", "x", "--role", "viewer", "--org", "acme", "--env", "dev"]))
        .exitCode,
    ).toBe(64);
    expect(
      (await cli(["admin", "tokens", "create", "--name", "x", "--role", "viewer", "--expires", "90"])).exitCode,
    ).toBe(64);
    const typo = await cli(["admin", "tokens", "lst"]);
    expect([typo.exitCode, typo.stderr]).toEqual([64, expect.stringContaining('did you mean "admin tokens list"')]);
    expect((await cli(["admin", "tokens", "list"], { SECR_TOKEN: VIEWER })).exitCode).toBe(77);
  });

  it("no token secret in any output but the create that made it", () => {
    const others = allRuns.filter((r) => !(r.args[1] === "tokens" && r.args[2] === "create"));
    expect(
      leaks(
        others.flatMap((r) => [r.stdout, r.stderr]),
        [...created, ADMIN, VIEWER, "admin-test-value-5p"],
      ),
    ).toEqual([]);
  });
});
