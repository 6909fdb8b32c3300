// Loads the `run` command's bundle (dist/bundle/run.cjs, built by scripts/build.js) through V8's
// code cache. Compiling the launcher's ~470 KB (undici, execa, zod/mini, the CLI) costs more CPU
// than anything else it does before spawning; with the bytecode from an earlier run V8 skips it.
// The cache is made at run time by the Node that reads it (its file name carries the Node
// version), never at build time, so no V8 ever meets another's bytecode. On every line, Node's own
// compile cache included: it serialises a module right after compiling it, without the functions
// compiled lazily during the run, and measured slower (docs/design/startup.md, "Per Node line").
// This is an optimisation only: any problem with the cache (missing, stale, rejected by V8,
// unwritable directory) means a normal compile, never an error.
import { readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import module from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { compileCacheDir, WRITE_BEFORE_EXEC } from "./compile-cache-dir.js";

/** First line of every cached bundle: `// secr-run build <sha-256 prefix of the rest>` (scripts/build.js). */
const BUILD_ID = /^\/\/ secr-run build ([0-9a-f]{32})\n/;

/** Evaluate a CommonJS bundle and return its exports, using and refreshing the code cache. */
export function loadWithCodeCache<T>(url: URL): T {
  // V8 accepts a code cache only under the flags it was made with: V8's flags are the defaults
  // here and at exit (liftoff.ts sets one only while secr-run talks HTTP).
  const file = fileURLToPath(url);
  // The build writes ASCII only (scripts/build.js checks), so latin1 decodes it exactly; on this
  // kind of VM Node 20's UTF-8 read of the ~1 MB bundle took 13 ms, the bytes and latin1 about 3.
  const source = readFileSync(file).toString("latin1");
  // V8 checks a cache against the source's length, not its content: the file name carries a hash
  // of the content, so a rebuilt bundle never meets bytecode of another.
  const build = BUILD_ID.exec(source)?.[1];
  const cacheFile =
    build === undefined ? undefined : cachePath(`${basename(file)}-${build}-${process.version}-${process.arch}.v8`);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile !== undefined) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet.
  }
  // The file is the function Node would wrap a CommonJS module in (scripts/build.js writes it so).
  const script = new vm.Script(source, { filename: file, cachedData });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Written at exit, when it also holds the functions compiled during this run; only after a
    // miss (the first run of a build), so later runs only read.
    const write = () => {
      process.off("exit", write);
      writeCache(cacheFile, script);
    };
    process.once("exit", write);
    // `run --exec` never exits: it writes the cache right before its exec (compile-cache-dir.ts).
    (globalThis as Record<symbol, unknown>)[WRITE_BEFORE_EXEC] = write;
  }
  const exports = {};
  const cjsModule = { exports };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    exports,
    module.createRequire(file),
    cjsModule,
    file,
    dirname(file),
  );
  return cjsModule.exports as T;
}

function writeCache(cacheFile: string, script: vm.Script): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cacheFile); // atomic: a concurrent start reads the old file or the new one
    pruneStale(dirname(cacheFile));
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
  }
}

/** Caches of earlier builds or Node versions (one per upgrade) are dropped after 30 days unwritten. */
function pruneStale(dir: string): void {
  const cutoff = Date.now() - 30 * 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".v8")) continue;
    try {
      if (statSync(join(dir, name)).mtimeMs < cutoff) unlinkSync(join(dir, name));
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

/** `<user cache>/secr-run-compile/<name>`, or undefined (then no cache): see compile-cache-dir.ts. */
function cachePath(name: string): string | undefined {
  const dir = compileCacheDir();
  return dir === undefined ? undefined : join(dir, name);
}
