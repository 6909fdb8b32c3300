// Deletes the snapshot of an org/project/env whatever token wrote it: after a 401/403/404 a
// revoked or re-scoped token must not keep working from cache (fail closed).

import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { assertAbsoluteCacheDir } from "./cache-dir.js";
import { readNameKey, snapshotFileName } from "./file-name.js";
import type { SnapshotLocator } from "./identity.js";

export interface PurgeSnapshotOptions {
  cacheDir: string;
}

/** Resolves true if a snapshot was deleted, false if there was none; rejects on other fs errors. */
export async function purgeSnapshot(locator: SnapshotLocator, { cacheDir }: PurgeSnapshotOptions): Promise<boolean> {
  assertAbsoluteCacheDir(cacheDir);
  const nameKey = await readNameKey(cacheDir);
  if (nameKey === undefined) return false;
  try {
    await unlink(join(cacheDir, snapshotFileName(nameKey, locator)));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
