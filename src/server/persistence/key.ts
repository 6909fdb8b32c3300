// The 32-byte data key: given directly (SECR_SERVE_KEY, base64), read from a key file, or
// created in a new key file (mode 0600) on first start. A new key is never created for an
// existing data file: that file could then never be read again.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { O_NOFOLLOW } from "../../fs/atomic-write.js";
import { readNoFollow, syncDirectory, UnsafeDataDirError } from "./data-file.js";

export class KeyError extends Error {
  override name = "KeyError";
}

export function decodeKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32 || key.toString("base64") !== normalize(base64)) {
    throw new KeyError(`${source} must be the base64 encoding of exactly 32 bytes`);
  }
  return key;
}

function normalize(base64: string): string {
  const trimmed = base64.trim().replace(/-/g, "+").replace(/_/g, "/");
  return trimmed.length % 4 === 0 ? trimmed : trimmed + "=".repeat(4 - (trimmed.length % 4));
}

export async function loadOrCreateKeyFile(
  path: string,
  dataFileExists: boolean,
): Promise<{ key: Buffer; created: boolean; warning?: string }> {
  let file;
  try {
    file = await readNoFollow(path, "key file");
  } catch (error) {
    // A symlinked or special key file is a key problem (exit 78), like a malformed one.
    if (error instanceof UnsafeDataDirError) throw new KeyError(error.message);
    throw error;
  }
  if (file !== undefined) {
    const key = decodeKey(file.bytes.toString("utf8"), `key file ${path}`);
    const warning =
      file.mode & 0o077
        ? `key file ${path} is readable by others (mode ${file.mode.toString(8)}); chmod 600 it`
        : undefined;
    return warning ? { key, created: false, warning } : { key, created: false };
  }
  if (dataFileExists) {
    throw new KeyError(
      `key file ${path} is missing but the data file exists; refusing to create a new key (set SECR_SERVE_KEY or --key-file)`,
    );
  }
  const key = randomBytes(32);
  // O_EXCL: never overwrite a key file another process created meanwhile, nor write through a symlink.
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(`${key.toString("base64")}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(dirname(path));
  return { key, created: true };
}
