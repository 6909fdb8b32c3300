// The trust store on disk: created private, written atomically, refused when anyone else could
// have written it (real files).
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTrustStore, resolveConfigDir, trustStorePath, updateTrustStore } from "../../src/config/trust-store.js";
import { EMPTY_TRUST_STORE, withTrust } from "../../src/config/trust.js";

const root = mkdtempSync(join(tmpdir(), "secr-trust-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `cfg-${++n}`, "secr-run");
const loaded = { path: "/repo/.secr.json", data: {}, sha256: "c".repeat(64) };

describe("resolveConfigDir", () => {
  it("uses an absolute XDG_CONFIG_HOME, else ~/.config, else %APPDATA% on Windows", () => {
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: "/x/cfg" }, home: "/home/u" })).toBe("/x/cfg/secr-run");
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: "relative" }, home: "/home/u", platform: "linux" })).toBe(
      "/home/u/.config/secr-run",
    );
    expect(resolveConfigDir({ env: {}, home: "/home/u", platform: "linux" })).toBe("/home/u/.config/secr-run");
    expect(resolveConfigDir({ env: { APPDATA: "C:\\AppData" }, home: "/home/u", platform: "win32" })).toBe(
      join("C:\\AppData", "secr-run"),
    );
  });
});

describe("updateTrustStore / readTrustStore", () => {
  it("an absent store is empty; the first write creates the directory 0700 and the file 0600, no temp file left", async () => {
    const dir = freshDir();
    expect(readTrustStore(dir)).toEqual(EMPTY_TRUST_STORE);
    await updateTrustStore(dir, (s) => withTrust(s, loaded));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(trustStorePath(dir)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["trusted.json"]);
    expect(readTrustStore(dir)).toEqual(withTrust(EMPTY_TRUST_STORE, loaded));
  });

  it("refuses a store or directory that others can write: they could trust any file for you", async () => {
    const dir = freshDir();
    await updateTrustStore(dir, (s) => withTrust(s, loaded));
    chmodSync(trustStorePath(dir), 0o620);
    expect(String(readTrustStore(dir))).toContain("it is writable by its group");
    await expect(updateTrustStore(dir, (s) => s)).rejects.toThrow("it is writable by its group");
    chmodSync(trustStorePath(dir), 0o600);
    chmodSync(dir, 0o777);
    expect(String(readTrustStore(dir))).toContain("it is writable by other users");
    // An existing directory is never chmod-ed into shape: the user decides.
    await expect(updateTrustStore(dir, (s) => s)).rejects.toThrow("writable by other users");
    expect(statSync(dir).mode & 0o777).toBe(0o777);
  });

  it.runIf(process.getuid?.() === 0)("refuses a store owned by another user", async () => {
    const dir = freshDir();
    await updateTrustStore(dir, (s) => withTrust(s, loaded));
    chownSync(trustStorePath(dir), 65534, 65534);
    expect(String(readTrustStore(dir))).toContain("it belongs to another user (uid 65534)");
  });

  it("refuses a symlinked store and a corrupt one", async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const elsewhere = join(root, "elsewhere.json");
    writeFileSync(elsewhere, '{"version":1,"files":{}}', { mode: 0o600 });
    symlinkSync(elsewhere, trustStorePath(dir));
    expect(lstatSync(trustStorePath(dir)).isSymbolicLink()).toBe(true);
    expect(String(readTrustStore(dir))).toContain("it is a symbolic link");
    rmSync(trustStorePath(dir));
    writeFileSync(trustStorePath(dir), "{not json", { mode: 0o600 });
    expect(String(readTrustStore(dir))).toContain("is not valid JSON");
  });
});
