// Where the fetch lock of a target lives: beside its snapshot, named like it (an HMAC under the
// directory's name key), so the lock reveals no more than the snapshot's own name does.
import { join } from "node:path";
import { assertAbsoluteCacheDir, ensureCacheDir } from "./cache-dir.js";
import { loadOrCreateNameKey, snapshotFileName } from "./file-name.js";
import type { SnapshotLocator } from "./identity.js";

export async function fetchLockPath(locator: SnapshotLocator, { cacheDir }: { cacheDir: string }): Promise<string> {
  assertAbsoluteCacheDir(cacheDir);
  await ensureCacheDir(cacheDir);
  const nameKey = await loadOrCreateNameKey(cacheDir);
  return join(cacheDir, `${snapshotFileName(nameKey, locator)}.lock`);
}
