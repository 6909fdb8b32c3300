// What to run: the words after `--`, untouched, or one --command string for the system shell;
// and the command as spawned (environment, the trampoline that re-ignores inherited signals). Pure.
import { constants } from "node:os";

export interface CommandSpec {
  file: string;
  args: string[];
  shell: boolean;
}

/** The command as the supervisor spawns it. */
export interface ChildCommand extends CommandSpec {
  /** Program, or the shell string when `shell` is true. */
  file: string;
  /** Passed untouched (never joined, split or re-quoted). Must be empty when `shell` is true. */
  args: string[];
  /** true for --command "<string>": /bin/sh -c (cmd /d /s /c on Windows). */
  shell: boolean;
  /** The COMPLETE child environment (execa extendEnv: false). */
  env: Record<string, string>;
}

export function buildCommand(
  afterDashDash: readonly string[] | undefined,
  commandString: string | undefined,
): CommandSpec | Error {
  const words = afterDashDash ?? [];
  if (commandString !== undefined && words.length > 0) {
    return new Error('give either --command "<string>" or a command after --, not both');
  }
  if (commandString !== undefined) {
    if (commandString.trim() === "") return new Error("--command needs a non-empty shell string");
    return { file: commandString, args: [], shell: true };
  }
  const [file, ...args] = words;
  if (file === undefined || file === "") {
    return new Error("no command to run: secr-run [options] -- <command> [args...]");
  }
  return { file, args, shell: false };
}

/**
 * The command behind a /bin/sh trampoline that ignores `signals` (numbers) and then execs it:
 * libuv resets every signal disposition in a new child, and POSIX `trap '' N` sets SIG_IGN,
 * which survives exec. The program keeps its pid (exec), its argv (passed as "$0" "$@", never
 * re-quoted) and its environment. Costs one extra exec, so only used when `signals` is not empty.
 * Numbers, not names: every /bin/sh takes them (dash has no name for STKFLT). dash and bash
 * silently refuse to ignore SEGV and CHLD (measured), so those two are not passed on.
 */
export function withIgnoredSignals(command: ChildCommand, signals: readonly number[]): ChildCommand {
  const passable = signals.filter((signo) => !SHELL_WILL_NOT_IGNORE.has(signo));
  if (passable.length === 0) return command;
  const trap = `trap '' ${passable.join(" ")}`;
  if (command.shell) {
    // Already a /bin/sh -c: the trap goes first, on the same line (line numbers unchanged).
    return { ...command, file: `${trap}; ${command.file}` };
  }
  return {
    ...command,
    file: "/bin/sh",
    args: ["-c", `${trap}; exec "$0" "$@"`, command.file, ...command.args],
    shell: false,
  };
}

const SHELL_WILL_NOT_IGNORE: ReadonlySet<number> = new Set([constants.signals.SIGSEGV, constants.signals.SIGCHLD]);
