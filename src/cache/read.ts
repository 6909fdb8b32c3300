// Reads the snapshot of an identity. Never throws for anything about the file: every outcome
// is a value the launcher turns into a fallback, a warning or exit 69.

import { open } from "node:fs/promises";
import { join } from "node:path";
import { assertAbsoluteCacheDir } from "./cache-dir.js";
import { readNameKey, snapshotFileName } from "./file-name.js";
import { judgeFreshness } from "./freshness.js";
import type { SnapshotIdentity } from "./identity.js";
import type { SnapshotData } from "./payload.js";
import { openSnapshot, type UnreadableReason } from "./seal.js";

/** Far above 1,000 secrets (≈ 100 KB); a bigger file is not one of ours. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface ReadSnapshotOptions {
  cacheDir: string;
  /** Oldest acceptable snapshot in ms; 0 = no limit. */
  maxAgeMs: number;
  /** Clock, for tests. */
  now?: () => number;
}

export type ReadSnapshotResult =
  | { kind: "ok"; data: SnapshotData; ageMs: number }
  | { kind: "missing" }
  | { kind: "unreadable"; reason: UnreadableReason; message: string }
  /** `ageMs` < 0: dated in the future beyond the clock-skew tolerance (see freshness.ts). */
  | { kind: "expired"; ageMs: number };

export async function readSnapshot(identity: SnapshotIdentity, options: ReadSnapshotOptions): Promise<ReadSnapshotResult> {
  const { cacheDir, maxAgeMs, now = Date.now } = options;
  assertAbsoluteCacheDir(cacheDir);
  let file: Buffer;
  try {
    const nameKey = await readNameKey(cacheDir);
    if (nameKey === undefined) return { kind: "missing" };
    const handle = await open(join(cacheDir, snapshotFileName(nameKey, identity)), "r");
    try {
      const info = await handle.stat();
      if (!info.isFile()) return { kind: "unreadable", reason: "io_error", message: "snapshot path is not a regular file" };
      // Checked before reading, so a huge planted file costs nothing.
      if (info.size > MAX_FILE_BYTES) return { kind: "unreadable", reason: "corrupt", message: "snapshot file is too large" };
      file = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    return { kind: "unreadable", reason: "io_error", message: `snapshot cannot be read (${code ?? "error"})` };
  }
  const opened = await openSnapshot(identity, file);
  if (!opened.ok) return { kind: "unreadable", reason: opened.reason, message: opened.message };
  const freshness = judgeFreshness(opened.data.fetchedAt, now(), maxAgeMs);
  return freshness.kind === "ok" ? { kind: "ok", data: opened.data, ageMs: freshness.ageMs } : freshness;
}
