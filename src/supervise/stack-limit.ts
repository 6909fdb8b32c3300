// The stack's soft rlimit, which bounds what execve accepts (exec-limits.ts). Node has no
// getrlimit; Linux shows it in /proc/self/limits, and a child inherits ours.
import { readFileSync } from "node:fs";

/** 8 MiB, the usual default, when the limit cannot be read. */
const DEFAULT_STACK_BYTES = 8 * 1024 * 1024;

export function stackSoftLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((row) => row.startsWith("Max stack size"));
    const soft = line?.slice("Max stack size".length).trim().split(/\s+/)[0];
    if (soft === "unlimited") return Number.POSITIVE_INFINITY;
    const bytes = Number(soft);
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : DEFAULT_STACK_BYTES;
  } catch {
    return DEFAULT_STACK_BYTES;
  }
}
