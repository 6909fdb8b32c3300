// Which signals the supervisor handles, and how. Pure tables: the policy of rules 2, 4 and 5
// of the process contract in one place, so the supervisor code reads as tini's does.
import { constants } from "node:os";

/** Forwarded to the child, each exactly once (rule 4). Job control (TSTP/TTIN/TTOU/CONT) is
 *  deliberately absent: left at their defaults, Ctrl-Z stops secr-run and the child together
 *  and `fg` resumes both. */
export const FORWARDED_SIGNALS = [
  "SIGTERM",
  "SIGINT",
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
  "SIGWINCH",
] as const satisfies readonly NodeJS.Signals[];

export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** A terminal sends these to its whole foreground process group, which already includes the
 *  child: forwarding them again would deliver them twice (a second SIGINT means "force quit"
 *  to many programs). */
export const TERMINAL_DELIVERED: ReadonlySet<NodeJS.Signals> = new Set(["SIGINT", "SIGQUIT", "SIGWINCH"]);

/** Before the child exists these end secr-run as if killed by them (rule 5). USR1, USR2 and
 *  WINCH are only listened to (so USR1 cannot open Node's inspector) and otherwise ignored. */
export const TERMINATING_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"]);

/** Signals whose default action dumps core. secr-run never re-raises these on itself: a core
 *  file of the wrapper would hold the secrets. It exits 128+S instead (rule 2). */
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
