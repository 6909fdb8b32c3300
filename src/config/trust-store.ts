// The user's trusted project files, `trusted.json` in secr-run's config directory (0700, file
// 0600). Whoever can write it can point the token anywhere, so it is used only if it and its
// directory are the user's own and writable by no one else. See docs/design/trust.md.
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { chmod, mkdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { unsafePrivatePath } from "./ownership.js";
import { EMPTY_TRUST_STORE, parseTrustStore, serializeTrustStore, type TrustStore } from "./trust.js";

export const TRUST_FILE_NAME = "trusted.json";

export interface ConfigDirSources {
  env?: NodeJS.ProcessEnv | Record<string, string | undefined>;
  home?: string;
  platform?: NodeJS.Platform;
}

/** `$XDG_CONFIG_HOME/secr-run`, else `~/.config/secr-run` (`%APPDATA%\secr-run` on Windows). */
export function resolveConfigDir({
  env = process.env,
  home,
  platform = process.platform,
}: ConfigDirSources = {}): string {
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "secr-run");
  if (platform === "win32" && env.APPDATA) return join(env.APPDATA, "secr-run");
  return join(home ?? homedir(), ".config", "secr-run");
}

export function trustStorePath(configDir: string): string {
  return join(configDir, TRUST_FILE_NAME);
}

function unsafe(path: string, reason: string): Error {
  return new Error(`${path} is not used: ${reason} (fix: chmod 700 on the directory, 600 on the file)`);
}

/** The store, empty if there is none yet; an Error if it is unreadable, invalid or not private. */
export function readTrustStore(configDir: string, uid: number | undefined = process.getuid?.()): TrustStore | Error {
  const path = trustStorePath(configDir);
  const dirInfo = statSync(configDir, { throwIfNoEntry: false });
  if (dirInfo === undefined) return EMPTY_TRUST_STORE;
  const dirProblem = uid === undefined ? undefined : unsafePrivatePath(dirInfo, uid);
  if (dirProblem !== undefined) return unsafe(configDir, dirProblem);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return EMPTY_TRUST_STORE;
    return new Error(
      `cannot read ${path}: ${code === "ELOOP" || code === "EMLINK" ? "it is a symbolic link" : (code ?? "error")}`,
    );
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return new Error(`${path} is not a regular file`);
    const problem = uid === undefined ? undefined : unsafePrivatePath(info, uid);
    if (problem !== undefined) return unsafe(path, problem);
    return parseTrustStore(readFileSync(fd, "utf8"), path);
  } catch (error) {
    return new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  } finally {
    closeSync(fd);
  }
}

/** Creates the directory 0700, or checks an existing one is private; never chmods an existing one. */
async function ensurePrivateDir(dir: string, uid: number | undefined): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) {
    // The umask can only remove bits; make the mode exact anyway.
    await chmod(dir, 0o700);
    return;
  }
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a directory`);
  const problem = uid === undefined ? undefined : unsafePrivatePath(info, uid);
  if (problem !== undefined) throw unsafe(dir, problem);
}

/**
 * Applies `change` to the store and writes it atomically (temp file 0600, rename). Two `allow`s at
 * once may lose one entry (read-modify-write); it then simply asks to be allowed again.
 */
export async function updateTrustStore(
  configDir: string,
  change: (store: TrustStore) => TrustStore,
  uid: number | undefined = process.getuid?.(),
): Promise<TrustStore> {
  await ensurePrivateDir(configDir, uid);
  const current = readTrustStore(configDir, uid);
  if (current instanceof Error) throw current;
  const next = change(current);
  await writeFileAtomic(trustStorePath(configDir), configDir, new TextEncoder().encode(serializeTrustStore(next)));
  return next;
}
