// The per-user directory for compiled code: V8's code cache of the `run` bundle (code-cache.ts)
// and, on Node >= 22.1, Node's own module compile cache. It holds code this process will run, so
// it must be ours and closed to group and others: a directory another user could write to would
// let them plant code. Never Node's default under the shared tmpdir.
import { mkdirSync, statSync } from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** `<user cache>/secr-run-compile`, created 0700; undefined (no cache) when it cannot be made safe. */
export function compileCacheDir(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const env = process.env;
    let base: string | undefined;
    if (process.platform === "win32") base = env.LOCALAPPDATA;
    else if (process.platform === "darwin") base = join(homedir(), "Library", "Caches");
    else base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
    if (!base || !isAbsolute(base)) return undefined;
    const dir = join(base, "secr-run-compile");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== "win32") {
      const stat = statSync(dir);
      if (stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}

/** Node >= 22.1 keeps compiled ES modules on disk between runs; older Node has no such function
 *  and this does nothing. An optimisation only: any problem leaves the cache off. */
export function enableModuleCompileCache(): void {
  const enable = (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof enable !== "function") return;
  const dir = compileCacheDir();
  if (dir === undefined) return;
  try {
    enable(dir);
  } catch {
    // No cache: slower start, same behaviour.
  }
}

/** Where code-cache.ts (in main.cjs) leaves its pending cache write for run.cjs, another bundle. */
export const WRITE_BEFORE_EXEC = Symbol.for("secr-run.writeCodeCacheBeforeExec");

/** Write what the caches hold now: both are written at exit, which `run --exec` never reaches. */
export function flushCompileCaches(): void {
  try {
    (module as { flushCompileCache?: () => void }).flushCompileCache?.();
    const write = (globalThis as Record<symbol, unknown>)[WRITE_BEFORE_EXEC];
    if (typeof write === "function") (write as () => void)();
  } catch {
    // An optimisation only.
  }
}
