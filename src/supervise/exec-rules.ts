// When `--exec` (secr-run replaces itself with the command) is allowed, and how the exec is made.
// Pure: the facts (flags given, platform, Node version, whether process.execve exists) come in,
// a usage error or a decision comes out (docs/design/process-model.md, "Exec mode").

/** Flags that need secr-run to stay resident as the command's parent, by flag name. */
export interface ExecFlags {
  watch: boolean;
  mask: boolean;
  file?: readonly string[] | undefined;
  mount?: string | undefined;
  template?: readonly string[] | undefined;
  reportJson?: string | undefined;
}

export interface Runtime {
  platform: NodeJS.Platform;
  /** process.versions.node */
  node: string;
  /** typeof process.execve === "function" */
  hasExecve: boolean;
}

export interface ExecDecision {
  /**
   * Exec a /bin/sh that then execs the program, rather than the program itself. Before Node 26
   * a failed execve aborts the process (SIGABRT) instead of throwing: there, Node only ever
   * execs /bin/sh, checked to be an executable file first, and the shell reports a failure of
   * the program's own exec the way shells do (126/127 and a message).
   */
  throughShell: boolean;
}

/** A usage error (64) naming the reason, or how to exec. */
export function decideExec(flags: ExecFlags, runtime: Runtime): ExecDecision | Error {
  const conflicts = [
    flags.watch && "--watch (restarts need a resident parent)",
    flags.mask && "--mask (the output passes through secr-run)",
    (flags.file?.length ?? 0) > 0 && "--file (files are removed when secr-run ends)",
    flags.mount !== undefined && "--mount (the file is removed when secr-run ends)",
    (flags.template?.length ?? 0) > 0 && "--template (files are removed when secr-run ends)",
    flags.reportJson !== undefined && "--report-json (written when the command has ended)",
  ].filter((c): c is string => typeof c === "string");
  if (conflicts.length > 0)
    return new Error(
      `--exec cannot be combined with ${conflicts.join(", ")}: drop --exec to keep secr-run as the command's parent`,
    );
  if (runtime.platform === "win32")
    return new Error(
      "--exec is not available on Windows (there is no exec: a process cannot become another program); drop --exec",
    );
  const [major = 0, minor = 0] = runtime.node.split(".").map(Number);
  if (!runtime.hasExecve || major < 22 || (major === 22 && minor < 15)) {
    return new Error(
      `--exec needs Node >= 22.15 (process.execve); this is Node ${runtime.node}: upgrade Node or drop --exec`,
    );
  }
  return { throughShell: major < 26 };
}
