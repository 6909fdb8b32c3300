#!/usr/bin/env node
// The `secr-run` command. Everything lives in the bundled CLI (dist/bundle/main.js, split per
// command) so a start loads as little as possible: secr-run runs before every start of the
// user's program. Startup tuning belongs here or in the CLI, never in the library.
import module from "node:module";

// Node opens its inspector (a debugger on 127.0.0.1:9229) on SIGUSR1 while nothing listens for
// it. A process holding secrets must never do that, so listen from the first line, before the
// bundle loads (measured: 150 ms and more on a busy machine); `run`'s supervisor adds its own.
process.on("SIGUSR1", () => {});

enableCompileCache();
await import("../dist/bundle/main.js");

/**
 * Node >= 22.1 can keep V8's compiled code of the bundle on disk between runs (module.enableCompileCache);
 * older Node has no such function and this does nothing. The cache holds code this process will
 * run, so it lives in a per-user directory that nobody else can write (never Node's default under
 * the shared tmpdir). Any problem just leaves the cache off: it is an optimisation, never an error.
 */
function enableCompileCache() {
  if (typeof module.enableCompileCache !== "function" || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  try {
    const dir = compileCacheDir();
    if (dir) module.enableCompileCache(dir);
  } catch {
    // No cache: slower start, same behaviour.
  }
}

function compileCacheDir() {
  // Imported here: only Node versions that have the cache pay for these.
  const require = module.createRequire(import.meta.url);
  const { mkdirSync, statSync } = require("node:fs");
  const { homedir } = require("node:os");
  const { isAbsolute, join } = require("node:path");
  const env = process.env;
  let base;
  if (process.platform === "win32") base = env.LOCALAPPDATA;
  else if (process.platform === "darwin") base = join(homedir(), "Library", "Caches");
  else base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  if (!base || !isAbsolute(base)) return undefined;
  // Shared with the code cache of `run` (src/cli/code-cache.ts); Node adds a subdirectory of its own.
  const dir = join(base, "secr-run-compile");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== "win32") {
    // Ours alone: owned by this user, writable by no one else (else another user could plant code).
    const stat = statSync(dir);
    if (stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0) return undefined;
  }
  return dir;
}
