// "Does the child already have this signal?" Read from /proc when a job-control signal arrives,
// to tell a stop sent to the whole process group (the child got it too) from one sent to
// secr-run alone (docs/design/process-model.md, "Job control"). Linux only; elsewhere "no".
import { readFileSync } from "node:fs";
import { parseProcStat } from "./foreground.js";

/** Signals pending for a process: the union of its thread's (SigPnd) and shared (ShdPnd) masks,
 *  from the text of /proc/<pid>/status (see proc(5)). */
export function parsePendingMask(status: string): bigint {
  let mask = 0n;
  for (const match of status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)) mask |= BigInt(`0x${match[1]}`);
  return mask;
}

export function hasSignalBit(mask: bigint, signo: number): boolean {
  return ((mask >> BigInt(signo - 1)) & 1n) === 1n;
}

/** "stopped" (state T), "pending" (the signal waits to be delivered) or "no" (also when the
 *  process is gone or /proc cannot be read: then forwarding is the safe side). */
export function childHas(pid: number, signo: number): "stopped" | "pending" | "no" {
  if (process.platform !== "linux") return "no";
  try {
    if (parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.state === "T") return "stopped";
    return hasSignalBit(parsePendingMask(readFileSync(`/proc/${pid}/status`, "utf8")), signo) ? "pending" : "no";
  } catch {
    return "no";
  }
}
