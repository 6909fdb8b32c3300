// Which signals the supervisor handles, and how: pure tables, the whole signal policy in one
// place (docs/design/process-model.md, "Signals" has the same table in prose).
import { constants } from "node:os";

/** What a forwarded signal does while secr-run is still fetching, before any child exists. */
export type BeforeChild =
  /** Cancel the fetch and end as if killed by it (the child is never started). */
  | "terminate"
  /** Nothing: the signal is only listened to so it cannot hurt secr-run. */
  | "ignore";

/**
 * Forwarded to the child, each exactly once: every signal tini forwards that Node lets a process
 * listen to. Not here: KILL and STOP (no listener possible), CHLD (Node's own), the job-control
 * signals (JOB_CONTROL_SIGNALS below), and the synchronous faults SEGV, BUS, FPE, ILL, ABRT,
 * TRAP, SYS, which tini also keeps at their default: a JavaScript listener cannot return from
 * a real fault.
 *
 * Before the child: signals whose default action ends a program and that callers send to stop
 * one end secr-run; USR1/USR2 are application-defined ("reopen the logs"): a rotation that
 * happens during the fetch must not kill the program; WINCH, URG and CONT change nothing by
 * default; PIPE and XFSZ are ignored by Node itself (the failed write reports the error).
 */
export const FORWARDED = {
  SIGTERM: "terminate",
  SIGINT: "terminate",
  SIGHUP: "terminate",
  SIGQUIT: "terminate",
  SIGALRM: "terminate",
  SIGVTALRM: "terminate",
  SIGPROF: "terminate",
  SIGIO: "terminate",
  SIGPWR: "terminate",
  SIGSTKFLT: "terminate",
  SIGXCPU: "terminate",
  SIGUSR1: "ignore",
  SIGUSR2: "ignore",
  SIGWINCH: "ignore",
  SIGURG: "ignore",
  SIGCONT: "ignore",
  SIGPIPE: "ignore",
  SIGXFSZ: "ignore",
} as const satisfies Partial<Record<NodeJS.Signals, BeforeChild>>;

export type ForwardedSignal = keyof typeof FORWARDED;
export const FORWARDED_SIGNALS = Object.keys(FORWARDED) as ForwardedSignal[];

/** Job control, handled as dumb-init does while a child runs: pass the stop on to the child,
 *  then stop secr-run itself with SIGSTOP; SIGCONT (forwarded) resumes both. Before the child
 *  they keep their default action (secr-run stops). */
export const JOB_CONTROL_SIGNALS = ["SIGTSTP", "SIGTTIN", "SIGTTOU"] as const satisfies readonly NodeJS.Signals[];
export type JobControlSignal = (typeof JOB_CONTROL_SIGNALS)[number];

/** A terminal sends these to its whole foreground process group, which already includes the
 *  child: forwarding them again would deliver them twice (a second SIGINT means "force quit"
 *  to many programs, a second SIGTSTP a second suspend). */
export const TERMINAL_DELIVERED: ReadonlySet<NodeJS.Signals> = new Set(["SIGINT", "SIGQUIT", "SIGWINCH", "SIGTSTP"]);

/** Signals whose default action dumps core. secr-run never re-raises these on itself: a core
 *  file of the wrapper would hold the secrets. It exits 128+S instead. */
export const CORE_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set([
  "SIGSEGV",
  "SIGABRT",
  "SIGQUIT",
  "SIGBUS",
  "SIGFPE",
  "SIGILL",
  "SIGSYS",
  "SIGTRAP",
  "SIGXCPU",
  "SIGXFSZ",
]);

/** The platform's number for a signal name (SIGTERM → 15 on Linux). */
export function signalNumber(signal: NodeJS.Signals): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  if (number === undefined) throw new TypeError(`unknown signal ${signal}`);
  return number;
}

/** The platform's name for a signal number; the first of aliases (SIGABRT, not SIGIOT). */
export function signalName(number: number): NodeJS.Signals | undefined {
  for (const [name, value] of Object.entries(constants.signals)) if (value === number) return name as NodeJS.Signals;
  return undefined;
}
