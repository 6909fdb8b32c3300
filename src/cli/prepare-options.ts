// How run, export and explain turn their parsed options into prepare()'s (src/pipeline/prepare.ts): one
// mapping, so the same words decide alike in all three. Types only from prepare.ts: a run loads
// this before its signal listeners, prepare (and zod) after them.
import { settingFlags } from "./options/globals.js";
import { cacheFlags } from "./options/shared.js";
import type { Logger } from "./log.js";
import type { PrepareOptions } from "../pipeline/prepare.js";
import type { EnvRuleFlags } from "../plan/env-rules.js";

/** The options export shares with a run: which secrets, from where, under which name rules. */
export type PullOptions = Parameters<typeof settingFlags>[0] &
  Parameters<typeof cacheFlags>[0] & {
    validate: boolean;
    only: readonly string[] | undefined;
    allowName: readonly string[] | undefined;
    skipInvalid: boolean;
    rename: readonly string[] | undefined;
    prefix: string | undefined;
    expand: boolean | undefined;
  };

/** A run's (and explain's) options: also what the child inherits. */
export type RunPrepareOptions = PullOptions & {
  preserveEnv: boolean | readonly string[] | undefined;
  passToken: boolean;
};

/** The one mapping from parsed options to the rules of the child's environment (src/plan/env-rules.ts). */
export function envRuleFlags(
  options: PullOptions & Partial<Pick<RunPrepareOptions, "preserveEnv" | "passToken">>,
): EnvRuleFlags {
  return {
    only: options.only,
    allowNames: options.allowName ?? [],
    skipInvalid: options.skipInvalid,
    preserveEnv: options.preserveEnv ?? false,
    passToken: options.passToken ?? false,
    rename: options.rename,
    prefix: options.prefix,
    expand: options.expand,
  };
}

/** Export: the secrets alone (nothing inherited, no token). */
export function pullOptions(options: PullOptions): Pick<PrepareOptions, "flags" | "cacheFlags" | "validate" | "rules"> {
  return {
    flags: settingFlags(options),
    cacheFlags: cacheFlags(options),
    validate: options.validate,
    rules: envRuleFlags(options),
  };
}

/** What a run with these options prepares; explain prepares the same, so it shows what the run would do. */
export function runPrepareOptions(
  options: RunPrepareOptions,
  log: Logger,
  inherited: NodeJS.ProcessEnv,
): PrepareOptions {
  return { ...pullOptions(options), rules: envRuleFlags(options), context: "run", inherited, log };
}
