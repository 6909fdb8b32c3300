// Signals the caller had ignored when it started secr-run (HUP under nohup, INT and QUIT for a
// background job of a script). Node resets every disposition at startup and libuv again in
// each child, so the launcher script (bin/secr-run.js run as a shell script) reads them from
// /proc/self/status before Node starts and passes the mask in SECR_RUN_SIGIGN; the child gets
// them back through a /bin/sh trampoline (command.ts). docs/design/process-model.md, "Ignored signals".
import { signalName } from "./signals.js";

export const SIGIGN_VARIABLE = "SECR_RUN_SIGIGN";

/** Signal numbers set in a SigIgn mask (16 hex digits, bit n-1 = signal n). KILL and STOP can
 *  never be ignored; real-time signals (32 and up) have no portable name and are left out.
 *  Anything that is not such a mask yields undefined: the set is then unknown. */
export function parseSigIgn(value: string | undefined): number[] | undefined {
  if (value === undefined || !/^[0-9a-f]{16}$/.test(value)) return undefined;
  const mask = BigInt(`0x${value}`);
  const numbers: number[] = [];
  for (let signo = 1; signo <= 31; signo++) {
    if (((mask >> BigInt(signo - 1)) & 1n) === 0n) continue;
    const name = signalName(signo);
    if (name === undefined || name === "SIGKILL" || name === "SIGSTOP") continue;
    numbers.push(signo);
  }
  return numbers;
}

/** Read the launcher's mask and remove it from this process's environment, so that no child
 *  (and no nested secr-run started without the launcher) ever inherits a stale one. */
export function takeInheritedIgnored(env: NodeJS.ProcessEnv): number[] | undefined {
  const value = env[SIGIGN_VARIABLE];
  delete env[SIGIGN_VARIABLE];
  return parseSigIgn(value);
}
