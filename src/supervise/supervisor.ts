// The process supervisor: secr-run as a transparent parent (docs/design/process-model.md).
// Modelled on tini: listen before anything slow, forward each signal once, wait for the child
// as long as it takes, then end exactly as the child did. What each signal does, in each phase,
// is decided by decideSignal() (signal-policy.ts); this file gathers the facts and acts.
//
//   before the child:  terminating signals → abort `signal`, die of that signal; others ignored
//   child running:     every forwarded signal → to the child once (not INT/QUIT/WINCH/TSTP while
//                      we are the terminal's foreground group); TSTP/TTIN/TTOU → to the child,
//                      then SIGSTOP ourselves; SIGCONT → to the child unless it already has it
//   child ended:       exit N, or re-raise S, or 128+S (exit-status.ts)
import { isatty } from "node:tty";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import { childHas } from "./child-state.js";
import { type ChildCommand, withIgnoredSignals } from "./command.js";
import type { ChildResult, ExitAction } from "./exit-status.js";
import { decideExit, exitForSignal } from "./exit-status.js";
import { runExitHooks } from "./exit-hooks.js";
import { isForegroundProcessGroup } from "./foreground.js";
import { takeInheritedIgnored } from "./inherited-signals.js";
import { decideSignal, type Phase, type SelfStop } from "./signal-policy.js";
import {
  FORWARDED_SIGNALS,
  JOB_CONTROL_SIGNALS,
  type ForwardedSignal,
  type JobControlSignal,
  signalNumber,
} from "./signals.js";
import { connectOutput, type OutputFilters } from "./output.js";
import type { RunningChild } from "./spawn.js";

export interface SupervisorOptions {
  /** One line to stderr; the logger adds "secr-run: " and honours --quiet. */
  warn(message: string): void;
  /** --verbose only. */
  debug(message: string): void;
  /** Printed even with --quiet: the one line for an exec failure (127/126). Defaults to
   *  writing `secr-run: <message>` to stderr. */
  error?(message: string): void;
}

export interface Supervisor {
  /** Aborted when a terminating signal (TERM, INT, HUP, QUIT, ALRM...) arrives before the child
   *  exists. The supervisor then also ends secr-run as if killed by that signal, so callers
   *  just pass this signal to their HTTP calls and never need to handle it themselves. */
  readonly signal: AbortSignal;
  /** Spawn the child and supervise it; never resolves: secr-run exits with the child's status. */
  run(command: ChildCommand, options?: RunOptions): Promise<never>;
  /** --watch: stop the current child (`stop.signal`, SIGKILL after `stop.timeoutMs`), wait until
   *  it has exited, then start the one `next()` describes (called only then, synchronously, so
   *  files for it are written once the old child is gone). Never two children at once. A
   *  stopping signal (TERM, INT, QUIT) received meanwhile cancels the start: secr-run then exits
   *  with the old child's status. */
  restart(stop: { signal: NodeJS.Signals; timeoutMs: number }, next: () => NextChild): Promise<RestartOutcome>;
  /** Send `signal` to the current child; false when there is none. */
  reload(signal: NodeJS.Signals): boolean;
  /** A stopping signal was received while a child ran, or the child has ended: no more restarts. */
  readonly stopping: boolean;
  /** Signal numbers the caller left ignored (inherited-signals.ts); `--exec` keeps them ignored. */
  readonly inheritedIgnored: readonly number[];
}

export interface NextChild {
  command: ChildCommand;
  output?: OutputFilters | undefined;
}

export type RestartOutcome = "restarted" | "cancelled" | "not-running";

/** Signals after which a restart would be wrong: the caller wants the program to end. */
const STOPPING_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(["SIGTERM", "SIGINT", "SIGQUIT"]);

export interface RunOptions {
  /** Work started before the child that must finish before secr-run exits (the offline
   *  snapshot write): kept off the start path, yet a child like `true` exits in
   *  milliseconds and secr-run's exit would cut the write short. Awaited only after the child
   *  has ended, at most `settleMaxMs`; it never delays the child's start or signal forwarding. */
  settle?: Promise<unknown> | undefined;
  /** Default 2000 ms. */
  settleMaxMs?: number;
  /** --mask: the child's stdout/stderr pass through these filters; secr-run ends only once
   *  all of it has been written out. */
  output?: OutputFilters | undefined;
  /** Called once the child exists (or failed to), with its pid. */
  onSpawn?: (pid: number | undefined) => void;
  /** Last work before secr-run exits the way `action` says (the --report-json file); awaited
   *  after `settle`, bounded by `settleMaxMs` too. Must not throw. */
  beforeExit?: (result: ChildResult, action: ExitAction) => Promise<void>;
}

type State = { phase: "waiting" } | { phase: "running"; child: RunningChild } | { phase: "ending" };

const isWindows = process.platform === "win32";

export function startSupervisor(options: SupervisorOptions): Supervisor {
  const controller = new AbortController();
  const pid1 = !isWindows && process.pid === 1;
  let state: State = { phase: "waiting" };
  let selfStop: SelfStop = "none";
  let stopping = false;
  let childEnded = false;
  let pendingRestart:
    { next: () => NextChild; resolve(outcome: RestartOutcome): void; timer?: NodeJS.Timeout } | undefined;
  // Before anything else reads the environment: the child must never inherit the variable.
  const inheritedIgnored = takeInheritedIgnored(process.env) ?? [];

  // Start loading execa now: it parses while the secrets are fetched, not after.
  const spawnModule = import("./spawn.js");
  spawnModule.catch(() => {}); // a failure surfaces in run(); never as an unhandled rejection

  const listeners = new Map<NodeJS.Signals, () => void>();
  const listen = (signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void) => {
    const listener = () => handler(signal);
    listeners.set(signal, listener);
    process.on(signal, listener);
  };
  const unlisten = () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    listeners.clear();
  };

  const end = (action: ExitAction): Promise<never> => {
    state = { phase: "ending" };
    return endProcess(action, unlisten, options.error ?? ((message) => process.stderr.write(`secr-run: ${message}\n`)));
  };

  const onSignal = (received: ForwardedSignal | JobControlSignal) => {
    const phase: Phase = state.phase;
    const child = state.phase === "running" ? state.child : undefined;
    const decision = decideSignal(received, {
      phase,
      inheritedIgnored: inheritedIgnored.includes(signalNumber(received)),
      foreground: isForegroundProcessGroup,
      childHas: (signal) => (child?.pid === undefined ? "no" : childHas(child.pid, signalNumber(signal))),
      selfStop,
    });
    if (received === "SIGCONT") selfStop = "none"; // whatever stopped us is over
    if (state.phase === "running" && STOPPING_SIGNALS.has(received)) {
      // The caller wants the program to end: no restart after it, and no SIGKILL of ours
      // (docs/design/process-model.md, "Stopping"; docs/design/watch.md).
      stopping = true;
      clearTimeout(pendingRestart?.timer);
    }
    switch (decision.action) {
      case "ignore":
        return options.debug(`not forwarding ${received}: ${decision.reason}`);
      case "terminate":
        // Cancel the fetch for anyone awaiting it, then die of the signal right away: the child
        // is never started afterwards.
        controller.abort(new Error(`received ${received}`));
        void end(exitForSignal(received, pid1));
        return;
      case "forward":
        child?.kill(received);
        return options.debug(`forwarded ${received}`);
      case "stop":
        if (decision.forward) child?.kill(received);
        options.debug(
          `${decision.forward ? "forwarded" : "not forwarding"} ${received} (${decision.reason}); stopping`,
        );
        selfStop = decision.selfStop;
        // Node cannot leave the default action in place and still listen: stop the way it
        // would have. Execution continues here once a SIGCONT resumes us.
        process.kill(process.pid, "SIGSTOP");
        return;
    }
  };

  if (isWindows) {
    // No POSIX signals: Ctrl-C / Ctrl-Break reach every process on the console, the child
    // included, and kill('SIGINT') would hard-kill it. Before the child exists they end
    // secr-run; afterwards the listener only keeps us alive to wait for the child.
    for (const signal of ["SIGINT", "SIGBREAK"] as const) {
      listen(signal, (received) => {
        if (state.phase !== "waiting") return;
        controller.abort(new Error(`received ${received}`));
        void end({ kind: "exit", code: 128 + signalNumber(received) });
      });
    }
  } else {
    for (const signal of FORWARDED_SIGNALS) if (knownSignal(signal)) listen(signal, () => onSignal(signal));
  }

  /** TSTP/TTIN/TTOU: listened to only while a child runs (before, their default action stops
   *  secr-run, which is right). Not TTOU when our stderr is a terminal: a write of ours to it
   *  from the background (with `stty tostop`) makes the kernel send TTOU and restart the write,
   *  and with a listener that loops for ever instead of stopping (measured). */
  const listenToJobControl = () => {
    for (const signal of JOB_CONTROL_SIGNALS) {
      if (signal === "SIGTTOU" && isatty(2)) continue;
      listen(signal, () => onSignal(signal));
    }
  };

  const run = async (command: ChildCommand, runOptions: RunOptions = {}): Promise<never> => {
    if (state.phase !== "waiting") throw new Error("supervisor.run() called twice or after a signal");
    const { spawnChild } = await spawnModule;
    // A signal may have arrived while execa loaded; then we are already on our way out.
    if (state.phase !== "waiting") return new Promise<never>(() => {});
    if (pid1) {
      options.warn(
        "running as PID 1: orphaned grandchildren will not be reaped; use `docker run --init` or put tini in front of secr-run",
      );
    }
    if (inheritedIgnored.length > 0)
      options.debug(`the child starts with signals ${inheritedIgnored.join(" ")} ignored, as secr-run did`);
    const spawn = (next: ChildCommand, pipedOutput: boolean): RunningChild => {
      const child = spawnChild(isWindows ? next : withIgnoredSignals(next, inheritedIgnored), { pipedOutput });
      state = { phase: "running", child };
      if (child.pid !== undefined) options.debug(`started child pid ${child.pid}`);
      runOptions.onSpawn?.(child.pid);
      return child;
    };
    let current = command;
    let output = runOptions.output;
    let child = spawn(current, output !== undefined);
    if (!isWindows) listenToJobControl();
    let result: ChildResult;
    for (;;) {
      const written = output === undefined ? undefined : connectOutput(child, output);
      result = await child.result;
      if (written !== undefined) await written;
      const restart = pendingRestart;
      pendingRestart = undefined;
      if (restart === undefined || stopping || result.kind === "spawn-failed") {
        restart?.resolve("cancelled");
        break;
      }
      // The old child is gone (and its output written out): only now the next one.
      clearTimeout(restart.timer);
      let next: NextChild;
      try {
        next = restart.next();
      } catch (error) {
        restart.resolve("cancelled");
        childEnded = true;
        const code = error instanceof Failure ? error.exitCode : ExitCode.SOFTWARE;
        return end({ kind: "exit", code, message: `cannot start the new child: ${(error as Error).message}` });
      }
      current = next.command;
      output = next.output;
      child = spawn(current, output !== undefined);
      restart.resolve("restarted");
    }
    childEnded = true;
    if (runOptions.settle !== undefined) await settleWithin(runOptions.settle, runOptions.settleMaxMs ?? 2000);
    const action = decideExit(result, { pid1, file: current.file });
    if (runOptions.beforeExit !== undefined)
      await settleWithin(runOptions.beforeExit(result, action), runOptions.settleMaxMs ?? 2000);
    return end(action);
  };

  const restart = (
    stop: { signal: NodeJS.Signals; timeoutMs: number },
    next: () => NextChild,
  ): Promise<RestartOutcome> => {
    if (state.phase !== "running" || stopping || childEnded || pendingRestart !== undefined)
      return Promise.resolve("not-running");
    const child = state.child;
    return new Promise<RestartOutcome>((resolve) => {
      const request: NonNullable<typeof pendingRestart> = { next, resolve };
      pendingRestart = request;
      if (!child.kill(stop.signal)) {
        pendingRestart = undefined;
        return resolve("not-running");
      }
      options.debug(`sent ${stop.signal} to child pid ${child.pid} for a restart`);
      request.timer = setTimeout(() => {
        if (stopping) return;
        options.warn(`the child did not stop within ${stop.timeoutMs} ms of ${stop.signal}; sending SIGKILL`);
        child.kill("SIGKILL");
      }, stop.timeoutMs);
    });
  };

  const reload = (signal: NodeJS.Signals): boolean =>
    state.phase === "running" && !childEnded ? state.child.kill(signal) : false;

  return {
    signal: controller.signal,
    run,
    restart,
    reload,
    inheritedIgnored,
    get stopping() {
      return stopping || childEnded || state.phase === "ending";
    },
  };
}

/** Signals this platform has (STKFLT and PWR are Linux's). */
function knownSignal(signal: NodeJS.Signals): boolean {
  try {
    signalNumber(signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits for `work` (never rejects) or `maxMs`, whichever comes first. */
async function settleWithin(work: Promise<unknown>, maxMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
  clearTimeout(timer);
}

/** Leave exactly as `action` says, once our own stderr lines are out. Synchronous when nothing
 *  is pending (always on Linux), so nothing else runs between the decision and the exit: no
 *  "request aborted" line from a cancelled fetch, no half-started child. */
function endProcess(action: ExitAction, unlisten: () => void, error: (message: string) => void): Promise<never> {
  if (action.kind === "exit" && action.message !== undefined) error(action.message);
  const finish = () => {
    // Delivered files are removed here too: dying of a re-raised signal skips 'exit'.
    runExitHooks();
    unlisten();
    if (action.kind === "exit") process.exit(action.code);
    raiseOnSelf(action.signal);
    // Still alive: the signal is blocked in a way we could not undo. The shell's encoding of
    // "killed by S" is the next best thing.
    setTimeout(() => process.exit(action.fallbackCode), 1000);
  };
  // stderr is synchronous for files, pipes and terminals on Linux, but not everywhere (pipes on
  // macOS, consoles on Windows). stdout is the child's: secr-run never writes it on this path.
  if (process.stderr.writableLength === 0) finish();
  else process.stderr.write("", finish);
  return new Promise<never>(() => {});
}

/** Kill ourselves with `signal` under its default action. Any listener left on it (a keep-the-
 *  inspector-closed USR1 listener in the entry point, a library's) would swallow it, and Node
 *  ignores SIGPIPE and turns SIGUSR1 into "open the inspector": once the last listener of a
 *  signal is removed, libuv restores SIG_DFL, so add one and remove them all. */
function raiseOnSelf(signal: NodeJS.Signals): void {
  if (signal !== "SIGKILL" && signal !== "SIGSTOP") {
    process.on(signal, () => {});
    process.removeAllListeners(signal);
  }
  process.kill(process.pid, signal);
}
