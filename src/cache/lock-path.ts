// Where the fetch lock of a target lives: beside its snapshot, named like it (an HMAC under the
// directory's name key, over the target and the token), so the lock reveals no more than the
// snapshot's own name does.
import { join } from "node:path";
import { assertAbsoluteCacheDir, ensureCacheDir } from "./cache-dir.js";
import { loadOrCreateNameKey, snapshotFileName } from "./file-name.js";
import type { SnapshotOwner } from "./identity.js";

/** Per token, as the snapshot is: runs of two tokens never wait for each other's fetch. */
export async function fetchLockPath(owner: SnapshotOwner, { cacheDir }: { cacheDir: string }): Promise<string> {
  assertAbsoluteCacheDir(cacheDir);
  await ensureCacheDir(cacheDir);
  const nameKey = await loadOrCreateNameKey(cacheDir);
  return join(cacheDir, `${snapshotFileName(nameKey, owner)}.lock`);
}
