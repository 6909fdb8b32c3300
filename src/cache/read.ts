// Reads the snapshot of an identity. Never throws for anything about the file: every outcome
// is a value the launcher turns into a fallback, a warning or exit 69. Reading trusts the
// directory no more than writing does (cache-dir.ts): ours, not writable by others; and the
// files in it are opened so that a symlink, FIFO or device there can neither redirect nor block
// the read (safe-read.ts).

import { stat } from "node:fs/promises";
import { join } from "node:path";
import { assertAbsoluteCacheDir, cacheDirProblem } from "./cache-dir.js";
import { legacySnapshotFileName, readNameKey, snapshotFileName } from "./file-name.js";
import { judgeFreshness } from "./freshness.js";
import type { SnapshotIdentity } from "./identity.js";
import type { SnapshotData } from "./payload.js";
import { readRegularFile, UnsafeCacheFileError } from "./safe-read.js";
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

export async function readSnapshot(
  identity: SnapshotIdentity,
  options: ReadSnapshotOptions,
): Promise<ReadSnapshotResult> {
  const { cacheDir, maxAgeMs, now = Date.now } = options;
  assertAbsoluteCacheDir(cacheDir);
  let file: Buffer;
  try {
    const info = await stat(cacheDir);
    // A file where the directory should be holds no snapshots, as when the path does not exist.
    if (!info.isDirectory()) return { kind: "missing" };
    const problem = cacheDirProblem(cacheDir, info);
    if (problem !== undefined)
      return { kind: "unreadable", reason: "unsafe", message: `${problem}: snapshots there are not trusted` };
    const nameKey = await readNameKey(cacheDir);
    if (nameKey === undefined) return { kind: "missing" };
    file = await readRegularFile(
      join(cacheDir, snapshotFileName(nameKey, identity)),
      MAX_FILE_BYTES,
      "the snapshot file",
    );
  } catch (error) {
    const problem = readProblem(error);
    if (problem.kind !== "missing") return problem;
    return readLegacy(identity, cacheDir, maxAgeMs, now);
  }
  const opened = await openSnapshot(identity, file);
  if (!opened.ok) return { kind: "unreadable", reason: opened.reason, message: opened.message };
  return judged(opened.data, now(), maxAgeMs);
}

function judged(data: SnapshotData, now: number, maxAgeMs: number): ReadSnapshotResult {
  const freshness = judgeFreshness(data.fetchedAt, now, maxAgeMs);
  return freshness.kind === "ok" ? { kind: "ok", data, ageMs: freshness.ageMs } : freshness;
}

function readProblem(error: unknown): Extract<ReadSnapshotResult, { kind: "missing" | "unreadable" }> {
  if (error instanceof UnsafeCacheFileError)
    return { kind: "unreadable", reason: error.tooLarge ? "corrupt" : "unsafe", message: error.message };
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
  return { kind: "unreadable", reason: "io_error", message: `snapshot cannot be read (${code ?? "error"})` };
}

/**
 * A snapshot under the name used before snapshots were per token (file-name.ts): used only if it
 * opens with this token (then the next write moves it to the new name); any other token's, or
 * anything wrong with it, is no snapshot for this token rather than a warning about tampering.
 */
async function readLegacy(
  identity: SnapshotIdentity,
  cacheDir: string,
  maxAgeMs: number,
  now: () => number,
): Promise<ReadSnapshotResult> {
  try {
    const nameKey = await readNameKey(cacheDir);
    if (nameKey === undefined) return { kind: "missing" };
    const file = await readRegularFile(
      join(cacheDir, legacySnapshotFileName(nameKey, identity)),
      MAX_FILE_BYTES,
      "the snapshot file",
    );
    const opened = await openSnapshot(identity, file);
    return opened.ok ? judged(opened.data, now(), maxAgeMs) : { kind: "missing" };
  } catch {
    return { kind: "missing" };
  }
}
