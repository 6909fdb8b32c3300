// How run, export and explain turn their parsed options into prepare()'s (src/pipeline/prepare.ts): one
// mapping, so the same words decide alike in all three. Types only from prepare.ts: a run loads
// this before its signal listeners, prepare (and zod) after them.
import { settingFlags } from "./options/globals.js";
import { cacheFlags } from "./options/shared.js";
import type { Logger } from "./log.js";
import type { PrepareOptions } from "../pipeline/prepare.js";

/** The options export shares with a run: which secrets, from where, under which name rules. */
export type PullOptions = Parameters<typeof settingFlags>[0] &
  Parameters<typeof cacheFlags>[0] & { validate: boolean; only: readonly string[] | undefined; allowName: readonly string[] | undefined; skipInvalid: boolean };

/** A run's (and explain's) options: also what the child inherits. */
export type RunPrepareOptions = PullOptions & { preserveEnv: PrepareOptions["preserveEnv"] | undefined; passToken: boolean };

export function pullOptions(options: PullOptions): Pick<PrepareOptions, "flags" | "cacheFlags" | "validate" | "only" | "allowNames" | "skipInvalid"> {
  return {
    flags: settingFlags(options),
    cacheFlags: cacheFlags(options),
    validate: options.validate,
    only: options.only,
    allowNames: options.allowName ?? [],
    skipInvalid: options.skipInvalid,
  };
}

/** What a run with these options prepares; explain prepares the same, so it shows what the run would do. */
export function runPrepareOptions(options: RunPrepareOptions, log: Logger, inherited: NodeJS.ProcessEnv): PrepareOptions {
  return { ...pullOptions(options), preserveEnv: options.preserveEnv ?? false, passToken: options.passToken, context: "run", inherited, log };
}
