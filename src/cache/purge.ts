// Deletes the snapshot of a target and token: after a 401/403/404 a revoked or re-scoped token
// must not keep working from cache (fail closed). Each token has its own snapshot (file-name.ts);
// the target's snapshot under the name used before that (any token's) goes too.

import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { assertAbsoluteCacheDir } from "./cache-dir.js";
import { legacySnapshotFileName, readNameKey, snapshotFileName } from "./file-name.js";
import type { SnapshotOwner } from "./identity.js";

export interface PurgeSnapshotOptions {
  cacheDir: string;
}

/** Resolves true if a snapshot was deleted, false if there was none; rejects on other fs errors. */
export async function purgeSnapshot(owner: SnapshotOwner, { cacheDir }: PurgeSnapshotOptions): Promise<boolean> {
  assertAbsoluteCacheDir(cacheDir);
  const nameKey = await readNameKey(cacheDir);
  if (nameKey === undefined) return false;
  const removed = await Promise.all([
    remove(join(cacheDir, snapshotFileName(nameKey, owner))),
    remove(join(cacheDir, legacySnapshotFileName(nameKey, owner))),
  ]);
  return removed.includes(true);
}

async function remove(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
