// Carry out a delivery plan: the run directory (0700), then each file (0600, created, never
// opened if something is already there: O_EXCL|O_NOFOLLOW). On any failure what was written is
// removed again: no partial effect.
import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { ExitCode } from "../core/exit-codes.js";
import { restrictToUser } from "./acl.js";
import { DeliveryError } from "../core/failure.js";
import type { PlannedFile } from "./plan.js";
import { contentDigest, createRunDir, EXTERNAL_RECORD, type ExternalRecord, removeIfSame } from "./run-dir.js";

export interface Delivered {
  readonly runDir: string;
  readonly paths: readonly string[];
  /** Remove every file and the run directory. Synchronous (it runs on the way out of the
   *  process) and idempotent. */
  remove(): void;
}

// O_NOFOLLOW does not exist on Windows (0 there): icacls restricts the file instead.
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

function describe(error: NodeJS.ErrnoException, file: PlannedFile): DeliveryError {
  switch (error.code) {
    case "EEXIST":
      return new DeliveryError(ExitCode.CONFIG, `${file.origin}: ${file.path} already exists; secr-run only writes files it creates (remove it or choose another path)`);
    case "ELOOP":
      return new DeliveryError(ExitCode.CONFIG, `${file.origin}: ${file.path} is a symbolic link; secr-run does not write through links`);
    case "ENOENT":
    case "ENOTDIR":
      return new DeliveryError(ExitCode.CONFIG, `${file.origin}: the directory ${dirname(file.path)} does not exist; create it first`);
    case "EACCES":
    case "EPERM":
      return new DeliveryError(ExitCode.NOPERM, `${file.origin}: no permission to create ${file.path}`);
    default:
      return new DeliveryError(ExitCode.CONFIG, `${file.origin}: cannot write ${file.path} (${error.code ?? error.message})`);
  }
}

export function writeDelivery(files: readonly PlannedFile[], runDir: string): Delivered {
  try {
    createRunDir(runDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DeliveryError(code === "EACCES" || code === "EPERM" ? ExitCode.NOPERM : ExitCode.CONFIG, `cannot create the private directory ${runDir} (${code ?? String(error)})`);
  }
  const external: ExternalRecord[] = [];
  const paths: string[] = [];
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    for (const record of external) removeIfSame(record);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    for (const file of files) {
      let fd: number;
      try {
        fd = openSync(file.path, CREATE, 0o600);
      } catch (error) {
        throw describe(error as NodeJS.ErrnoException, file);
      }
      try {
        paths.push(file.path);
        writeSync(fd, file.content);
        if (!file.inRunDir) {
          // A run killed from here on leaves a record that the next run's sweep acts on.
          const { dev, ino, size } = fstatSync(fd);
          const salt = randomBytes(16).toString("hex");
          external.push({ path: file.path, dev, ino, size, salt, sha256: contentDigest(salt, file.content) });
          recordExternal(runDir, external);
        }
      } finally {
        closeSync(fd);
      }
      restrictToUser(file.path);
    }
  } catch (error) {
    remove();
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(ExitCode.CONFIG, `cannot write the delivered files (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return { runDir, paths, remove };
}

function recordExternal(runDir: string, records: readonly ExternalRecord[]): void {
  const temporary = join(runDir, `${EXTERNAL_RECORD}.tmp`);
  writeFileSync(temporary, JSON.stringify(records), { mode: 0o600 });
  renameSync(temporary, join(runDir, EXTERNAL_RECORD));
}
