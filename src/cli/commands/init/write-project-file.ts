// Writes .secr.json whole or not at all: a temp file in the same directory (O_EXCL|O_NOFOLLOW,
// mode 0644: it holds no secret, and the ownership rule of docs/design/trust.md wants it writable by
// its owner only), fsync, then link() (fails if a file appeared meanwhile: no overwrite without
// --force) or rename() over the old one (--force). The temp file never outlives the call.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, open, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Resolves to "exists" when `path` exists and `replace` is false (nothing written). */
export async function writeProjectFile(path: string, text: string, replace: boolean): Promise<"written" | "exists"> {
  const dir = dirname(path);
  const temp = join(dir, `.secr.json.tmp-${randomBytes(8).toString("hex")}`);
  const handle = await open(temp, CREATE, 0o644);
  try {
    try {
      // The umask may have cleared bits, or a group-writable umask added none: set exactly 0644.
      await handle.chmod(0o644);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (replace) await rename(temp, path);
    else {
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return "exists";
        throw error;
      }
    }
    return "written";
  } finally {
    await unlink(temp).catch(() => {});
  }
}
