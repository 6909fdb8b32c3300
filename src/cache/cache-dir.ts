// Where snapshots live: a per-user cache directory, private to its owner.

import { chmod, mkdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

export interface CacheDirSources {
  /** `--cache-dir`; wins over everything. */
  override?: string | undefined;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

/** `--cache-dir`, else `$XDG_CACHE_HOME/secr-run`, else `~/.cache/secr-run` (`%LOCALAPPDATA%` on Windows). */
export function resolveCacheDir({ override, env = process.env, home, platform = process.platform }: CacheDirSources = {}): string {
  if (override !== undefined && override !== "") return resolve(override);
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "secr-run");
  if (platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "secr-run", "Cache");
  return join(home ?? homedir(), ".cache", "secr-run");
}

/** A relative or empty cache dir would silently mean "the working directory": a caller bug. */
export function assertAbsoluteCacheDir(dir: string): void {
  if (!isAbsolute(dir)) throw new TypeError(`cache directory must be an absolute path (use resolveCacheDir), got ${JSON.stringify(dir)}`);
}

export class UnsafeCacheDirError extends Error {
  override readonly name = "UnsafeCacheDirError";
}

/** Why a directory is not safe for snapshots, or undefined. Pure. On Windows (no POSIX owner
 *  and mode) only the kind is checked. */
export function cacheDirProblem(
  dir: string,
  info: { isDirectory(): boolean; uid: number; mode: number },
  uid: number | undefined = process.getuid?.(),
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (!info.isDirectory()) return `cache directory ${dir} is not a directory`;
  if (platform === "win32") return undefined;
  if (info.uid !== uid) return `cache directory ${dir} belongs to another user`;
  if ((info.mode & 0o022) !== 0) return `cache directory ${dir} is writable by other users`;
  return undefined;
}

/**
 * Creates the directory 0700 if needed. An existing directory is used only if it is ours and not
 * writable by group or others: another user able to write there could swap files under us.
 * It is never chmod-ed, so `--cache-dir` pointing at a shared directory cannot change it.
 * Reading applies the same check (read.ts).
 */
export async function ensureCacheDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) {
    // mkdir's mode passes through the umask, which can only remove bits; make it exact anyway.
    await chmod(dir, 0o700);
    return;
  }
  const problem = cacheDirProblem(dir, await stat(dir));
  if (problem !== undefined) throw new UnsafeCacheDirError(problem);
}
