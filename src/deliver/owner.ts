// Who owns a run directory: a pid and that process's start time, so a reused pid does not
// pass for the owner. Linux reads /proc; elsewhere the start time is 0 and liveness is the pid's.
import { pidAlive } from "../fs/pid-alive.js";
import { processStartTime } from "../fs/process-start.js";

export function isOwnerAlive(pid: number, start: number): boolean {
  if (process.platform === "linux") return processStartTime(pid) === start;
  return pidAlive(pid);
}
