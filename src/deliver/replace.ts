// Under --watch, each new child's files replace the old ones at the same paths, and a delivered
// path is never given up: removing a file (or the run directory) and creating it again would let
// another user take the path in between (docs/design/security.md, "Delivered files"). So each file is
// written to a temp file with a random name in the same directory (O_EXCL|O_NOFOLLOW, 0600) and
// renamed over the old one. For a file outside the run directory, rename only after checking,
// through an fd, that the file at the path is still the one secr-run wrote.
import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { ExitCode } from "../core/exit-codes.js";
import { createFile, describeWriteError } from "./create-file.js";
import { DeliveryError } from "../core/failure.js";
import type { PlannedFile } from "./plan.js";
import { contentDigest, type ExternalRecord, removeIfSame } from "./run-dir.js";

/** The next child's files, written beside the current ones. */
export interface Staged {
  /** Check the outside paths are still ours, then rename every temp file over its path. Throws
   *  DeliveryError when a path is no longer ours (nothing renamed) or a rename failed. */
  commit(): void;
  /** Remove the temp files; the current files stay as they are. Idempotent. */
  discard(): void;
}

export interface DeliveryState {
  readonly runDir: string;
  /** Files outside the run directory, by path. */
  readonly external: Map<string, ExternalRecord>;
  /** Temp files outside the run directory, by temp path, so a sweep finds them after a SIGKILL. */
  readonly pending: Map<string, ExternalRecord>;
  persist(): void;
}

const O_READ = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export function stageReplacement(files: readonly PlannedFile[], state: DeliveryState): Staged {
  const staged: { file: PlannedFile; temp: ExternalRecord }[] = [];
  /** Every temp file created, recorded the moment it exists (before anything else can fail). */
  const created: ExternalRecord[] = [];
  const drop = () => {
    // A temp file already renamed is not at its path any more: removeIfSame finds nothing.
    for (const temp of created.splice(0)) {
      removeIfSame(temp);
      state.pending.delete(temp.path);
    }
    try {
      state.persist();
    } catch {
      // the record only matters after a SIGKILL; the files themselves are gone
    }
  };
  try {
    for (const file of files) {
      if (!file.inRunDir && !state.external.has(file.path))
        throw new DeliveryError(ExitCode.SOFTWARE, `${file.origin}: ${file.path} was not delivered at the start`);
      const path = join(
        file.inRunDir ? state.runDir : dirname(file.path),
        `.secr-run-${randomBytes(12).toString("hex")}.tmp`,
      );
      try {
        const temp = createFile(path, file.content, (record) => {
          created.push(record);
          if (file.inRunDir) return;
          state.pending.set(path, record);
          state.persist();
        });
        staged.push({ file, temp });
      } catch (error) {
        throw error instanceof DeliveryError
          ? error
          : describeWriteError(error as NodeJS.ErrnoException, { origin: file.origin, path });
      }
    }
  } catch (error) {
    drop();
    throw error;
  }
  let done = false;
  return {
    discard() {
      if (done) return;
      done = true;
      drop();
    },
    commit() {
      if (done) throw new DeliveryError(ExitCode.SOFTWARE, "the staged files were already committed or discarded");
      done = true;
      for (const { file } of staged) {
        if (file.inRunDir) continue; // the run directory is ours and private
        const problem = notOurs(state.external.get(file.path)!);
        if (problem === undefined) continue;
        drop();
        throw new DeliveryError(
          ExitCode.CONFIG,
          `${file.origin}: ${file.path} ${problem}; secr-run does not write to a path someone else has taken`,
        );
      }
      let renamed = 0;
      try {
        for (const { file, temp } of staged) {
          renameSync(temp.path, file.path);
          renamed += 1;
          state.pending.delete(temp.path);
          if (!file.inRunDir) state.external.set(file.path, { ...temp, path: file.path });
        }
      } catch (error) {
        const { file } = staged[renamed]!;
        drop();
        throw new DeliveryError(
          ExitCode.CONFIG,
          `${file.origin}: cannot replace ${file.path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        );
      }
      state.persist();
    },
  };
}

/** Why the file at the record's path is not the one secr-run wrote, or undefined if it is.
 *  Opened without following a link and without blocking on a FIFO, then checked by the fd. */
function notOurs(record: ExternalRecord): string | undefined {
  let fd: number;
  try {
    fd = openSync(record.path, O_READ);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ELOOP"
      ? "is now a symbolic link"
      : code === "ENOENT"
        ? "is gone"
        : `cannot be checked (${code ?? String(error)})`;
  }
  try {
    const stat = fstatSync(fd);
    const same =
      stat.isFile() &&
      stat.dev === record.dev &&
      stat.ino === record.ino &&
      stat.size === record.size &&
      contentDigest(record.salt, readFileSync(fd)) === record.sha256;
    return same ? undefined : "is no longer the file secr-run wrote";
  } finally {
    closeSync(fd);
  }
}
