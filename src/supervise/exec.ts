// `--exec`: secr-run becomes the command (execve), keeping its PID, once the secrets are in.
// No parent stays behind: signals reach the program directly and its exit status is its own
// (docs/design/process-model.md, "Exec mode"). Returns only when the exec could not be made.
import type { ChildCommand } from "./command.js";
import { execTarget, SHELL } from "./exec-argv.js";
import { decideExit, type ExitAction } from "./exit-status.js";
import { resolveProgram } from "./resolve-program.js";
import { signalNumber } from "./signals.js";

export interface ExecOptions {
  /** Signal numbers the caller left ignored (inherited-signals.ts): they stay ignored. */
  inheritedIgnored: readonly number[];
  /** exec-rules.ts: exec /bin/sh, which execs the program (Node < 26). */
  throughShell: boolean;
  /** The snapshot write: finished before the exec, which would cut it short. */
  settle?: Promise<unknown> | undefined;
  /** Last work of this process (the compile cache is written at exit, which never comes). */
  beforeExec?: () => void;
}

/** Node ignores these itself at startup, and an ignored disposition survives execve. */
const IGNORED_BY_NODE = ["SIGPIPE", "SIGXFSZ"] as const;

type Execve = (file: string, args: string[], env: Record<string, string>) => never;

/** Execs `command`; on failure, the exit (127/126 and the one-line message) for the caller. */
export async function execInPlace(
  command: ChildCommand,
  options: ExecOptions,
): Promise<Extract<ExitAction, { kind: "exit" }>> {
  const fail = (code: string, file: string) =>
    decideExit({ kind: "spawn-failed", code }, { pid1: false, file }) as Extract<ExitAction, { kind: "exit" }>;
  const program = command.shell
    ? { ok: true as const, path: SHELL }
    : resolveProgram(command.file, command.env.PATH, process.cwd());
  if (!program.ok) return fail(program.code, command.file);
  const target = execTarget(command, program.path, options.inheritedIgnored, options.throughShell);
  if (target.path === SHELL) {
    const shell = resolveProgram(SHELL, undefined, "/");
    if (!shell.ok) return fail(shell.code, SHELL);
  }
  await options.settle?.catch(() => {});
  // What the program would see started without secr-run: Node's own SIG_IGN back to SIG_DFL
  // (libuv restores the default once a signal's last listener is removed), unless the caller
  // had them ignored. Handlers (the supervisor's listeners) are reset by execve itself.
  for (const signal of IGNORED_BY_NODE) {
    if (options.inheritedIgnored.includes(signalNumber(signal))) continue;
    process.on(signal, noop);
    process.removeAllListeners(signal);
  }
  options.beforeExec?.();
  // Our own stderr lines first (synchronous on Linux for files, pipes and terminals).
  if (process.stderr.writableLength > 0)
    await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
  // Node flags execve experimental on its first call, a line it prints on the next tick: on the
  // failure path that would follow our own one-line message.
  process.removeAllListeners("warning");
  const execve = (process as unknown as { execve: Execve }).execve;
  let code = "UNKNOWN";
  try {
    execve(target.path, target.argv, target.env);
  } catch (error) {
    // Node >= 26 throws (older Node aborts, which exec-rules.ts avoids by exec'ing /bin/sh).
    code = String((error as { code?: unknown }).code ?? code);
  }
  if (code === "ENOEXEC" && target.path !== SHELL) {
    // execvp's rule, and so the supervising mode's: a file the kernel cannot run is a script of /bin/sh.
    try {
      execve(SHELL, [SHELL, target.path, ...target.argv.slice(1)], target.env);
    } catch {
      // Reported as the program's own failure below.
    }
  }
  return fail(code, command.file);
}

function noop(): void {}
