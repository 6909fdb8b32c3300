// A directory that holds secrets (the offline cache, the local server's data) must be ours
// and not writable by anyone else: another user able to write there could plant symlinks or
// swap files under us. An existing directory is checked, never chmod-ed, so pointing an
// option at a shared directory cannot change that directory (docs/design/server.md, "Storage").
import { chmod, mkdir, stat } from "node:fs/promises";

/** Why a directory with these attributes is unsafe, or undefined when it is fine. Pure. */
export function privateDirProblem(
  info: { isDirectory(): boolean; uid: number; mode: number },
  uid: number | undefined,
): string | undefined {
  if (!info.isDirectory()) return "is not a directory";
  if (uid === undefined) return undefined; // Windows: no POSIX owner or mode bits
  if (info.uid !== uid) return `belongs to another user (uid ${info.uid}); use a directory you own`;
  if ((info.mode & 0o022) !== 0) {
    return `is writable by other users (mode ${(info.mode & 0o777).toString(8).padStart(3, "0")}); run chmod go-w on it or use a private directory`;
  }
  return undefined;
}

/**
 * Creates `dir` 0700 if needed, else checks it. Throws `makeError("<label> <dir> <problem>")`.
 * Resolves true when the directory was created now (the caller may fsync its parent).
 */
export async function ensurePrivateDir(
  dir: string,
  label: string,
  makeError: (message: string) => Error,
): Promise<boolean> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) {
    // mkdir's mode passes through the umask, which can only remove bits; make it exact anyway.
    await chmod(dir, 0o700);
    return true;
  }
  const problem = privateDirProblem(await stat(dir), process.getuid?.());
  if (problem !== undefined) throw makeError(`${label} ${dir} ${problem}`);
  return false;
}
