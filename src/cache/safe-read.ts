// Reading a file of the cache directory without trusting what sits at its name. The writer
// creates files 0600 with O_EXCL and renames them in place; a reader must not be steered by
// something else put there instead: a symlink (to /dev/zero, or to another user's file), a FIFO
// (an open that blocks forever), a device, or a file far larger than any we write.

import { constants } from "node:fs";
import { open } from "node:fs/promises";

// O_NOFOLLOW: a symlink as the last component fails with ELOOP instead of being followed.
// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; it changes nothing
// for regular files. Neither exists on Windows (0 there: plain read-only).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export class UnsafeCacheFileError extends Error {
  override readonly name = "UnsafeCacheFileError";
  constructor(
    message: string,
    /** Larger than anything we write: not ours (corrupt) rather than planted. */
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/**
 * The bytes of the regular file at `path`, if it has at most `maxBytes`. Rejects with the fs
 * error for a missing file (ENOENT), with UnsafeCacheFileError for a symlink, anything but a
 * regular file, or a larger file. Never blocks on what it finds.
 */
export async function readRegularFile(path: string, maxBytes: number, label: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP")
      throw new UnsafeCacheFileError(`${label} is a symbolic link`);
    throw error;
  }
  try {
    // fstat of the opened descriptor: what we read is what we checked, whatever the name points to now.
    const info = await handle.stat();
    if (!info.isFile()) throw new UnsafeCacheFileError(`${label} is not a regular file`);
    if (info.size > maxBytes) throw new UnsafeCacheFileError(`${label} is too large`, true);
    // One byte more than fstat reported: filling it means the file grew under us (not something
    // the writer ever does: it renames complete files into place), and reading stays bounded.
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) throw new UnsafeCacheFileError(`${label} changed while it was read`);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
