// "Is secr-run in the terminal's foreground process group right now?" (docs/design/process-model.md,
// "The terminal"). When it is, the terminal itself already sent Ctrl-C, Ctrl-\, Ctrl-Z and window
// resizes to the child (same group), so the supervisor must not send them again. Asked at the
// moment a signal arrives: job control (Ctrl-Z, bg, fg) changes the answer while secr-run runs.
import { readFileSync } from "node:fs";
import { isatty } from "node:tty";

/** state, pgrp and tpgid from the text of /proc/<pid>/stat (see proc(5)). The command name in
 *  parentheses may contain spaces and parentheses, so fields are counted from the last ")". */
export function parseProcStat(stat: string): { state: string; pgrp: number; tpgid: number } | undefined {
  const end = stat.lastIndexOf(")");
  if (end === -1) return undefined;
  // After the name: state ppid pgrp session tty_nr tpgid ...
  const fields = stat.slice(end + 2).split(" ");
  const pgrp = Number(fields[2]);
  const tpgid = Number(fields[5]);
  if (!Number.isInteger(pgrp) || !Number.isInteger(tpgid) || fields[0] === undefined) return undefined;
  return { state: fields[0], pgrp, tpgid };
}

/** Linux: tpgid == pgrp (tpgid is -1 without a controlling terminal). Elsewhere there is no
 *  cheap way to ask, so fall back on "stdin is a terminal": such a process was almost always
 *  started in the foreground, and a duplicated Ctrl-C is worse than a kill(1)'d SIGINT that
 *  is not passed on. */
export function isForegroundProcessGroup(): boolean {
  if (process.platform === "linux") {
    try {
      const ids = parseProcStat(readFileSync("/proc/self/stat", "utf8"));
      if (ids) return ids.tpgid === ids.pgrp;
    } catch {
      // /proc not mounted (some sandboxes): use the fallback below.
    }
  }
  return isatty(0);
}
