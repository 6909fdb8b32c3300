// Where snapshots live: a per-user cache directory, private to its owner.

import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ensurePrivateDir } from "../fs/private-dir.js";

export interface CacheDirSources {
  /** `--cache-dir`; wins over everything. */
  override?: string | undefined;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

/** `--cache-dir`, else `$XDG_CACHE_HOME/secr-run`, else `~/.cache/secr-run` (`%LOCALAPPDATA%` on Windows). */
export function resolveCacheDir({
  override,
  env = process.env,
  home,
  platform = process.platform,
}: CacheDirSources = {}): string {
  if (override !== undefined && override !== "") return resolve(override);
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "secr-run");
  if (platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "secr-run", "Cache");
  return join(home ?? homedir(), ".cache", "secr-run");
}

/** A relative or empty cache dir would silently mean "the working directory": a caller bug. */
export function assertAbsoluteCacheDir(dir: string): void {
  if (!isAbsolute(dir))
    throw new TypeError(`cache directory must be an absolute path (use resolveCacheDir), got ${JSON.stringify(dir)}`);
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

/** Creates the directory 0700 if needed, else requires it to be ours and private (src/fs/private-dir.ts). */
export async function ensureCacheDir(dir: string): Promise<void> {
  await ensurePrivateDir(dir, "cache directory", (message) => new UnsafeCacheDirError(message));
}
