// Starting the child with execa, configured so execa adds nothing to docs/design/process-model.md ("The child"):
// no pipes, no shell unless asked, no environment of ours, and no signal of its own ever.
// Its own chunk, imported by startSupervisor() as soon as `run` starts so that execa (~30 ms to
// load) parses while the secrets are fetched; --help, serve, check and export never load it.
import type { Readable } from "node:stream";
import { execa } from "execa";
import type { ChildResult } from "./exit-status.js";
import type { ChildCommand } from "./command.js";

export interface RunningChild {
  /** Undefined when the spawn failed (the result then says why). */
  readonly pid: number | undefined;
  /** Send a signal; false when the child is already gone (never signals a reused pid). */
  kill(signal: NodeJS.Signals): boolean;
  /** Settles once, when the child has ended (and, with pipedOutput, its pipes have closed);
   *  never rejects. */
  readonly result: Promise<ChildResult>;
  /** The child's stdout and stderr, when spawned with pipedOutput (--mask). */
  readonly stdout?: Readable | null | undefined;
  readonly stderr?: Readable | null | undefined;
}

export interface SpawnOptions {
  /** stdout and stderr as pipes for the caller to read (--mask); stdin stays inherited. */
  pipedOutput?: boolean;
}

export function spawnChild(command: ChildCommand, options: SpawnOptions = {}): RunningChild {
  if (command.shell && command.args.length > 0) {
    throw new TypeError("a shell command is one string: args must be empty when shell is true");
  }
  const subprocess = execa(command.file, command.args, {
    // Node builds `/bin/sh -c <file>` (`cmd.exe /d /s /c "<file>"` on Windows) from this.
    shell: command.shell,
    env: command.env,
    extendEnv: false, // env is complete: secr-run's own (SECR_TOKEN...) must not leak back in
    // The child owns the terminal and the pipes (docs/design/process-model.md, "The child"). --mask alone
    // puts pipes on stdout and stderr, read by the redactor as the child writes: nothing is buffered.
    stdio: options.pipedOutput === true ? ["inherit", "pipe", "pipe"] : "inherit",
    buffer: false,
    // execa's default `cleanup` registers signal-exit, which on INT/HUP/QUIT/USR2 (when nobody
    // else listens) or on our own exit sends the child a SIGTERM it never asked for. The
    // supervisor always outlives the child, so there is nothing to clean up.
    cleanup: false,
    // Default 5 s: a SIGKILL after a forwarded SIGTERM. Docker allows 10 s, Kubernetes 30 s;
    // the child decides how long its shutdown takes (docs/design/process-model.md, "Stopping").
    forceKillAfterDelay: false,
    reject: false, // an exit code is a result, not an exception
    windowsHide: false, // a console program keeps its console window
  });
  const result = subprocess.then(
    (r): ChildResult => {
      if (r.signal !== undefined) return { kind: "signaled", signal: r.signal };
      if (r.exitCode !== undefined) return { kind: "exited", code: r.exitCode };
      // Neither: the child never ran (errno on the result, e.g. ENOENT/EACCES from spawn).
      const code = (r as { code?: unknown }).code;
      return { kind: "spawn-failed", code: typeof code === "string" ? code : "UNKNOWN" };
    },
    (): ChildResult => ({ kind: "spawn-failed", code: "UNKNOWN" }),
  );
  return {
    pid: subprocess.pid,
    kill: (signal) => subprocess.kill(signal),
    result,
    stdout: subprocess.stdout,
    stderr: subprocess.stderr,
  };
}
