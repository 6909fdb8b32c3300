// How secr-run ends once the child has ended (docs/design/process-model.md, "Exit status"). Pure: the
// supervisor performs the returned action. The caller must not be able to tell secr-run from
// its child: same exit code, same death by signal.
import { CORE_SIGNALS, signalNumber } from "./signals.js";

export type ChildResult =
  /** The child exited with this code. */
  | { kind: "exited"; code: number }
  /** The child was killed by this signal. */
  | { kind: "signaled"; signal: NodeJS.Signals }
  /** The child could not be started; `code` is the spawn error's errno name (ENOENT, EACCES...). */
  | { kind: "spawn-failed"; code: string };

export type ExitAction =
  | { kind: "exit"; code: number; message?: string }
  /** Remove the listeners and kill ourselves with `signal`; exit `fallbackCode` if we survive. */
  | { kind: "raise"; signal: NodeJS.Signals; fallbackCode: number };

export interface ExitContext {
  /** secr-run is PID 1: the kernel drops signals PID 1 sends itself, so it cannot re-raise. */
  pid1: boolean;
  /** The command, for the one-line message on exec failure (a program name, never a value). */
  file: string;
}

export function decideExit(result: ChildResult, context: ExitContext): ExitAction {
  switch (result.kind) {
    case "exited":
      return { kind: "exit", code: result.code };
    case "signaled":
      return exitForSignal(result.signal, context.pid1);
    case "spawn-failed":
      // The shell's conventions, so scripts that test for 127/126 keep working.
      if (result.code === "ENOENT") {
        // `secr-run -- "node server.js"`: one word holding a whole command line.
        const hint = /\s/.test(context.file)
          ? ` (one word with spaces: to run a shell string, use --command "${context.file}")`
          : "";
        return { kind: "exit", code: 127, message: `command not found: ${context.file}${hint}` };
      }
      if (result.code === "EACCES")
        return { kind: "exit", code: 126, message: `permission denied (not executable?): ${context.file}` };
      return { kind: "exit", code: 126, message: `cannot execute ${context.file}: ${result.code}` };
  }
}

/** Ending "as if killed by `signal`": re-raise it, except where that is impossible (PID 1)
 *  or dangerous (a core dump of a process holding secrets): then the shell's 128+S. */
export function exitForSignal(signal: NodeJS.Signals, pid1: boolean): ExitAction {
  const code = 128 + signalNumber(signal);
  if (pid1 || CORE_SIGNALS.has(signal)) return { kind: "exit", code };
  return { kind: "raise", signal, fallbackCode: code };
}
