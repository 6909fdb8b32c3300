// Shared test helpers for the snapshot cache: temp dirs, identities, file listings.

import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { SnapshotData, SnapshotIdentity } from "../../src/cache/index.js";

const dirs: string[] = [];

/** A fresh temp dir removed after the test; the cache dir itself is a child so we can test creation. */
export async function tempCacheDir(): Promise<{ root: string; cacheDir: string }> {
  const root = await mkdtemp(join(tmpdir(), "secr-run-cache-"));
  dirs.push(root);
  return { root, cacheDir: join(root, "cache") };
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Distinctive strings, so a byte search cannot hit random ciphertext by chance. */
export function marker(label: string): string {
  return `${label}-${randomBytes(8).toString("hex")}`;
}

export function makeIdentity(overrides: Partial<SnapshotIdentity> = {}): SnapshotIdentity {
  return {
    apiUrl: "http://127.0.0.1:4010",
    org: marker("orgslug"),
    project: marker("projslug"),
    env: marker("envslug"),
    token: `secr_tok_${randomBytes(24).toString("hex")}`,
    ...overrides,
  };
}

export function makeData(count: number, fetchedAt = Date.now()): SnapshotData {
  const secrets: Record<string, string> = {};
  for (let i = 0; i < count; i++)
    secrets[`KEY_${i}_${randomBytes(3).toString("hex").toUpperCase()}`] = marker(`value${i}`);
  // Values that stress the JSON encoding too.
  secrets.TRICKY = `line1\nline2 "q" 'q' $HOME \\ # = ü 🎉 ${marker("tricky")}`;
  return { secrets, validation: { valid: false, missing: ["NEEDED_KEY"], extra: ["SURPLUS_KEY"] }, fetchedAt };
}

/** Every file in the cache dir: name and bytes. */
export async function listCache(cacheDir: string): Promise<{ name: string; bytes: Buffer }[]> {
  const names = await readdir(cacheDir);
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(cacheDir, name)) })));
}

export async function snapshotFiles(cacheDir: string): Promise<string[]> {
  return (await readdir(cacheDir)).filter((name) => name.endsWith(".snapshot")).map((name) => join(cacheDir, name));
}

/**
 * Every (needle, file, encoding) where a needle shows up in a file's bytes or name: raw UTF-8,
 * UTF-16LE, and the base64 and hex of its UTF-8 (the usual ways a value leaks "encoded").
 */
export function findPlaintext(files: { name: string; bytes: Buffer }[], needles: string[]): string[] {
  const hits: string[] = [];
  for (const needle of needles) {
    const utf8 = Buffer.from(needle, "utf8");
    const forms: [string, Buffer][] = [
      ["utf8", utf8],
      ["utf16le", Buffer.from(needle, "utf16le")],
      ["base64", Buffer.from(utf8.toString("base64").replace(/=+$/, ""))],
      ["hex", Buffer.from(utf8.toString("hex"))],
    ];
    for (const file of files) {
      if (file.name.includes(needle)) hits.push(`name ${file.name} contains a needle`);
      for (const [encoding, bytes] of forms)
        if (file.bytes.includes(bytes)) hits.push(`${encoding} needle in ${file.name}`);
    }
  }
  return hits;
}
