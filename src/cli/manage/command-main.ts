// The frame of every management command's main: a logger honouring -v/-q, settings loaded the
// way every command loads them (load-settings.ts: ownership and trust of .secr.json), and a
// Failure printed as one line with its exit code.
import type { ScopeSetting, SettingFlags, Settings } from "../../config/settings.js";
import { scanVerbosity } from "../options/globals.js";
import { failureExit } from "../../core/failure.js";
import { loadSettings } from "../../pipeline/load-settings.js";
import { createLogger, type Logger } from "../log.js";

export interface Frame {
  log: Logger;
  /** Settings for the scope the command needs (what it does not need may be ""). */
  settings(flags: SettingFlags, needs: readonly ScopeSetting[]): Settings;
}

export async function manageMain(args: readonly string[], body: (frame: Frame) => Promise<number>): Promise<number> {
  const log = createLogger(scanVerbosity(args));
  try {
    return await body({ log, settings: (flags, needs) => loadSettings(flags, log, process.env, process.cwd(), needs) });
  } catch (error) {
    return failureExit(error, log);
  }
}

/** `org/project/env`, `org/project` or `org`: what a command works on, as messages name it. */
export function scopeLabel(settings: Pick<Settings, "org" | "project" | "env">, needs: readonly ScopeSetting[]): string {
  return (["org", "project", "env"] as const)
    .filter((name) => needs.includes(name))
    .map((name) => settings[name])
    .join("/");
}

/** One JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Rows as aligned columns (the last column is not padded). */
export function printTable(rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) return;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  process.stdout.write(rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n") + "\n");
}
