// Who owns a run directory: a pid and that process's start time, so a reused pid does not
// pass for the owner. Linux reads /proc; elsewhere the start time is 0 and liveness is the pid's.
import { readFileSync } from "node:fs";
import { pidAlive } from "../fs/pid-alive.js";

/** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or 0. */
export function processStartTime(pid: number): number | undefined {
  if (process.platform !== "linux") return 0;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // no such process
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = Number(fields[22 - 3]);
  return Number.isSafeInteger(start) ? start : undefined;
}

export function isOwnerAlive(pid: number, start: number): boolean {
  if (process.platform === "linux") return processStartTime(pid) === start;
  return pidAlive(pid);
}
