// undici parses HTTP with a WebAssembly module that V8 would also recompile with its optimising
// tier on background threads; a one-shot CLI never benefits, and on a busy 2-core machine that
// work held the exit back by 150-400 ms. Liftoff (the baseline tier) runs the same code; the flag
// only changes how this process compiles WebAssembly, never the child's.
//
// Set at run time, never on Node's command line: V8 accepts Node's built-in bytecode only under
// the flags it was made with, so with the flag on the command line every built-in is compiled
// from source (measured: `require("node:http")` took 3× the time). It is on only while secr-run
// talks HTTP: the run bundle's code cache (code-cache.ts) is written at exit, and V8 stamps it
// with the flags of that moment; stamped with this one, the next start would refuse it.
import { createRequire } from "node:module";

type V8 = typeof import("node:v8");

/**
 * Sets --liftoff-only; the function returned puts V8's defaults back, including the two flags
 * --liftoff-only turns off by implication (without them the flags still differ from a fresh start).
 */
export function liftoffOnly(): () => void {
  const v8 = createRequire(import.meta.url)("node:v8") as V8;
  v8.setFlagsFromString("--liftoff-only");
  return () => {
    for (const flag of ["--no-liftoff-only", "--wasm-tier-up", "--wasm-dynamic-tiering"]) v8.setFlagsFromString(flag);
  };
}
