// When a process started, in clock ticks since boot (field 22 of /proc/PID/stat): with the pid it
// names one process, so a pid reused by a later process does not pass for a lock's or a run
// directory's owner. Linux only; elsewhere, and for a pid that is gone, it is unknown.
import { readFileSync } from "node:fs";

/** Field 22 of a /proc/PID/stat text. The command name (field 2) may hold spaces and ")": count from its last ")". */
export function parseStartTime(stat: string): number | undefined {
  const field = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[22 - 3];
  if (field === undefined || !/^\d+$/.test(field)) return undefined;
  const ticks = Number(field);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

/** The start time of a live process, or undefined (no such process, no /proc). Synchronous: /proc reads never block. */
export function processStartTime(pid: number): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return parseStartTime(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}
