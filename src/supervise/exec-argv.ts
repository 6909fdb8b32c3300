// What `--exec` hands to execve: a path, argv and the environment. Pure
// (docs/design/process-model.md, "Exec mode").
import { type ChildCommand, withIgnoredSignals } from "./command.js";

export const SHELL = "/bin/sh";

export interface ExecTarget {
  /** The file execve runs. */
  path: string;
  /** argv, argv[0] included. */
  argv: string[];
  env: Record<string, string>;
}

/**
 * `resolved` is the program's path (resolve-program.ts; unused for a shell string). Signals the
 * caller left ignored go back to ignored through a /bin/sh trampoline (`trap ''` survives exec),
 * the same one the supervising mode uses; `throughShell` (Node < 26, exec-rules.ts) always takes
 * that trampoline, so Node itself only ever execs /bin/sh.
 */
export function execTarget(
  command: ChildCommand,
  resolved: string,
  inheritedIgnored: readonly number[],
  throughShell: boolean,
): ExecTarget {
  if (command.shell) {
    const ignoring = withIgnoredSignals(command, inheritedIgnored);
    return { path: SHELL, argv: [SHELL, "-c", ignoring.file], env: command.env };
  }
  const direct: ChildCommand = { ...command, file: resolved };
  const ignoring = withIgnoredSignals(direct, inheritedIgnored);
  if (ignoring !== direct) return { path: SHELL, argv: [SHELL, ...ignoring.args], env: command.env };
  if (throughShell)
    return { path: SHELL, argv: [SHELL, "-c", 'exec "$0" "$@"', resolved, ...command.args], env: command.env };
  // argv[0] as the user wrote it, as a shell (and spawn) would pass it.
  return { path: resolved, argv: [command.file, ...command.args], env: command.env };
}
