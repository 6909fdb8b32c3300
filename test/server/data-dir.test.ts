// The data directory under attack: planted symlinks, directories other users can write,
// symlinked data and key files, and a token on the command line.
import { chmod, chown, lstat, mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { startServer, UnsafeDataDirError } from "../../src/server/index.js";
import { startLocalServer } from "../helpers/local-server.js";
import { CLI } from "../helpers/cli.js";
import { fileTempDir } from "../helpers/temp.js";
import { ADMIN, seed } from "./fixtures.js";

const tempDir = async () => fileTempDir("secr-data-dir-").path;

const serve = (dataDir: string, extra: string[] = []) =>
  execa(process.execPath, [CLI, "serve", "--port", "0", "--data", dataDir, ...extra], {
    reject: false,
    stdin: "ignore",
    timeout: 20_000,
    env: { SECR_SERVE_TOKEN: "t", SECR_SERVE_KEY: "" },
  });

describe("data directory", () => {
  it("a symlink planted at a temp-file name never redirects a write onto another file", async () => {
    const root = await tempDir();
    const dataPath = join(root, "data");
    const victim = join(root, "victim-owned-by-root");
    await writeFile(victim, "do not overwrite\n", { mode: 0o644 });
    const server = await startServer({ port: 0, seed, dataPath });
    const client = new SecrClient({ apiUrl: server.url, token: ADMIN, maxRetries: 0 });
    try {
      // The fixed temp name older versions wrote through (open O_CREAT|O_TRUNC follows links).
      await symlink(victim, join(dataPath, ".data.secr.tmp"));
      for (let i = 0; i < 5; i++) await client.setSecret("acme", "api", "development", `K${i}`, `value-${i}`);
    } finally {
      await client.close();
      await server.close();
    }
    expect(await readFile(victim, "utf8")).toBe("do not overwrite\n");
    expect((await lstat(join(dataPath, "data.secr"))).isFile()).toBe(true);
    const again = await startServer({ port: 0, dataPath });
    const c2 = new SecrClient({ apiUrl: again.url, token: ADMIN, maxRetries: 0 });
    expect((await c2.listKeys("acme", "api", "development")).keys.map((k) => k.key)).toEqual([
      "K0",
      "K1",
      "K2",
      "K3",
      "K4",
    ]);
    await c2.close();
    await again.close();
    // The planted link was removed at start (unlink removes the link, not its target).
    expect((await readdir(dataPath)).sort()).toEqual(["data.journal", "data.secr", "key"]);
    expect(await readFile(victim, "utf8")).toBe("do not overwrite\n");
  });

  it("refuses a directory other users can write, and never chmods it; the CLI exits 78 with one line", async () => {
    const root = await tempDir();
    for (const mode of [0o777, 0o775, 0o1777]) {
      const dataPath = join(root, `shared-${mode.toString(8)}`);
      await mkdir(dataPath);
      await chmod(dataPath, mode);
      await expect(startServer({ port: 0, dataPath, adminToken: "t" })).rejects.toThrow(UnsafeDataDirError);
      const result = await serve(dataPath);
      expect(result.exitCode).toBe(78);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(
        /^secr-run serve: data directory .* is writable by other users \(mode \d+\); run chmod go-w on it or use a private directory$/,
      );
      expect((await lstat(dataPath)).mode & 0o7777).toBe(mode);
      expect(await readdir(dataPath)).toEqual([]); // nothing written: no lock, no key, no data
    }
  });

  it.skipIf(process.getuid?.() !== 0)("refuses a directory owned by another user (run as root)", async () => {
    const dataPath = join(await tempDir(), "theirs");
    await mkdir(dataPath, { mode: 0o700 });
    await chown(dataPath, 65534, 65534);
    await expect(startServer({ port: 0, dataPath, adminToken: "t" })).rejects.toThrow(
      /belongs to another user \(uid 65534\)/,
    );
    const result = await serve(dataPath);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/belongs to another user/);
  });

  it("refuses a data file or key file that is a symlink, leaving the link's target untouched", async () => {
    const root = await tempDir();
    const first = await startServer({ port: 0, seed, dataPath: join(root, "real") });
    await first.close();
    const realData = await readFile(join(root, "real", "data.secr"));

    const linkedData = join(root, "linked-data");
    await mkdir(linkedData, { mode: 0o700 });
    await writeFile(join(linkedData, "key"), await readFile(join(root, "real", "key")), { mode: 0o600 });
    await symlink(join(root, "real", "data.secr"), join(linkedData, "data.secr"));
    await expect(startServer({ port: 0, dataPath: linkedData })).rejects.toThrow(
      /data file .* is a symbolic link; refusing to follow it/,
    );
    const result = await serve(linkedData);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/is a symbolic link/);

    const linkedKey = join(root, "linked-key");
    await mkdir(linkedKey, { mode: 0o700 });
    await symlink(join(root, "real", "key"), join(linkedKey, "key"));
    expect((await serve(linkedKey)).stderr).toMatch(/key file .* is a symbolic link/);
    // A dangling link at the key's name is not written through either.
    const dangling = join(root, "dangling-key");
    await mkdir(dangling, { mode: 0o700 });
    await symlink(join(root, "would-be-created"), join(dangling, "key"));
    expect((await serve(dangling)).exitCode).toBe(78);
    await expect(lstat(join(root, "would-be-created"))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(root, "real", "data.secr"))).toEqual(realData);
  });
});

describe("--token", () => {
  it("warns that argv is public when the token is given on the command line, not when it comes from SECR_SERVE_TOKEN", async () => {
    const fromEnv = await startLocalServer();
    expect((await fromEnv.stop()).stderr).not.toMatch(/--token/);
    const fromArgv = await startLocalServer({ args: ["--token", "secr_cli_on_argv"] });
    const answer = await fetch(`${fromArgv.url}/v1/secrets/x/y/z`, {
      headers: { authorization: "Bearer secr_cli_on_argv" },
    });
    expect(answer.status).toBe(404); // the argv token is accepted
    const { stderr } = await fromArgv.stop();
    expect(stderr).toMatch(
      /warning: --token is visible to every user of this machine \(ps, \/proc\); prefer SECR_SERVE_TOKEN/,
    );
  });
});
