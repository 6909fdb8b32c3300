// Creating one delivered file: O_EXCL|O_NOFOLLOW, 0600, never over something already at the
// path, and the record that later proves the file at that path is still this one
// (docs/design/delivery.md). Used for the first delivery and for the temp files of a replacement.
import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ExitCode } from "../core/exit-codes.js";
import { restrictToUser } from "./acl.js";
import { DeliveryError } from "../core/failure.js";
import type { PlannedFile } from "./plan.js";
import { contentDigest, type ExternalRecord } from "./run-dir.js";

// O_NOFOLLOW does not exist on Windows (0 there): icacls restricts the file instead.
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export function describeWriteError(
  error: NodeJS.ErrnoException,
  file: Pick<PlannedFile, "origin" | "path">,
): DeliveryError {
  switch (error.code) {
    case "EEXIST":
      return new DeliveryError(
        ExitCode.CONFIG,
        `${file.origin}: ${file.path} already exists; secr-run only writes files it creates (remove it or choose another path)`,
      );
    case "ELOOP":
      return new DeliveryError(
        ExitCode.CONFIG,
        `${file.origin}: ${file.path} is a symbolic link; secr-run does not write through links`,
      );
    case "ENOENT":
    case "ENOTDIR":
      return new DeliveryError(
        ExitCode.CONFIG,
        `${file.origin}: the directory ${dirname(file.path)} does not exist; create it first`,
      );
    case "EACCES":
    case "EPERM":
      return new DeliveryError(ExitCode.NOPERM, `${file.origin}: no permission to create ${file.path}`);
    default:
      return new DeliveryError(
        ExitCode.CONFIG,
        `${file.origin}: cannot write ${file.path} (${error.code ?? error.message})`,
      );
  }
}

/** Create `path` (O_EXCL|O_NOFOLLOW, 0600) with `content`; its record (device, inode, size and a
 *  salted digest) is what later proves the file at that path is still this one. */
export function createFile(
  path: string,
  content: string,
  onCreated: (record: ExternalRecord) => void = () => {},
): ExternalRecord {
  const fd = openSync(path, CREATE, 0o600);
  let record: ExternalRecord;
  try {
    writeSync(fd, content);
    const { dev, ino, size } = fstatSync(fd);
    const salt = randomBytes(16).toString("hex");
    record = { path, dev, ino, size, salt, sha256: contentDigest(salt, content) };
  } catch (error) {
    // Created by us a moment ago (O_EXCL): ours to remove, never left half-written.
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
  onCreated(record);
  restrictToUser(path);
  return record;
}
