// Writes (replaces) the snapshot of an identity. Meant to run after a successful pull, off the
// start path: the launcher can call it after spawning the child and let it finish meanwhile.

import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { sweepStaleTempFiles, writeFileAtomic } from "../fs/atomic-write.js";
import { assertAbsoluteCacheDir, ensureCacheDir } from "./cache-dir.js";
import { legacySnapshotFileName, loadOrCreateNameKey, snapshotFileName } from "./file-name.js";
import type { SnapshotIdentity } from "./identity.js";
import type { SnapshotData } from "./payload.js";
import { sealSnapshot } from "./seal.js";

/** Temp files older than this were left by a process killed mid-write. */
const STALE_TEMP_MS = 10 * 60_000;

export interface WriteSnapshotOptions {
  cacheDir: string;
}

/** Rejects on fs errors (full disk, unsafe directory); messages name paths, never contents. */
export async function writeSnapshot(
  identity: SnapshotIdentity,
  data: SnapshotData,
  { cacheDir }: WriteSnapshotOptions,
): Promise<void> {
  assertAbsoluteCacheDir(cacheDir);
  await ensureCacheDir(cacheDir);
  const [nameKey, sealed] = await Promise.all([loadOrCreateNameKey(cacheDir), sealSnapshot(identity, data)]);
  await writeFileAtomic(join(cacheDir, snapshotFileName(nameKey, identity)), cacheDir, sealed);
  // The target's snapshot under the name used before snapshots were per token: migrated now.
  await unlink(join(cacheDir, legacySnapshotFileName(nameKey, identity))).catch(() => {});
  await sweepStaleTempFiles(cacheDir, STALE_TEMP_MS);
}
