// The frame of every management command's main (src/cli/frame.ts) plus settings loaded the way
// every command loads them (load-settings.ts: ownership and trust of .secr.json).
import type { ScopeSetting, SettingFlags, Settings } from "../../config/settings.js";
import type { Logger } from "../../core/logger.js";
import { loadSettings } from "../../pipeline/load-settings.js";
import { frame, type Io } from "../frame.js";

export { printJson, printTable } from "../frame.js";

export interface Frame {
  io: Io;
  log: Logger;
  /** Settings for the scope the command needs (what it does not need may be ""). */
  settings(flags: SettingFlags, needs: readonly ScopeSetting[]): Settings;
}

export function manageMain(
  args: readonly string[],
  io: Io | undefined,
  body: (frame: Frame) => Promise<number>,
): Promise<number> {
  return frame(args, io, ({ io, log }) =>
    body({ io, log, settings: (flags, needs) => loadSettings(flags, log, io.env, io.cwd, needs) }),
  );
}

/** `org/project/env`, `org/project` or `org`: what a command works on, as messages name it. */
export function scopeLabel(
  settings: Pick<Settings, "org" | "project" | "env">,
  needs: readonly ScopeSetting[],
): string {
  return (["org", "project", "env"] as const)
    .filter((name) => needs.includes(name))
    .map((name) => settings[name])
    .join("/");
}
