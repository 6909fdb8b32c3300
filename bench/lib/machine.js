// What the numbers were measured on (they mean nothing without it), and /proc readings.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

/** 1-minute load average: a loaded machine skews timings, so the report says what it was. */
export const load1 = () => os.loadavg()[0];

/** VmRSS and VmHWM of a process, in KiB, from /proc (Linux only; undefined elsewhere or once gone). */
export function procMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return { rssKiB: field("VmRSS"), hwmKiB: field("VmHWM") };
  } catch {
    return undefined;
  }
}

/** Pids whose parent is `pid`. Scans /proc: /proc/<pid>/task/<tid>/children is not on every kernel. */
export function childPids(pid) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // ppid is the 2nd field after "(comm)", and comm may itself contain spaces or parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
