// The run's environment rules from the command line and .secr.json ("rename", "prefix",
// "expand"): a flag replaces the file's value, as for every setting. Pure.
import type { EnvRuleFlags, EnvRules } from "../plan/env-rules.js";
import { checkPrefix, parseRenames, splitRename } from "../plan/rename.js";
import type { ProjectFile } from "./project-file.js";

/** What .secr.json says about the child's names and references. */
export type ProjectRules = Pick<ProjectFile, "rename" | "prefix" | "expand">;

export type EnvRulesResult = { ok: true; rules: EnvRules } | { ok: false; usage: boolean; message: string };

export function resolveEnvRules(flags: EnvRuleFlags, file: ProjectRules, path: string | undefined): EnvRulesResult {
  const { rename, prefix, expand, ...rest } = flags;
  const where = path ?? ".secr.json";
  let pairs: Array<readonly [string, string]>;
  if (rename !== undefined) {
    pairs = [];
    for (const raw of rename) {
      const pair = splitRename(raw);
      if (pair instanceof Error) return { ok: false, usage: true, message: pair.message };
      pairs.push(pair);
    }
  } else pairs = Object.entries(file.rename ?? {});
  const renames = parseRenames(pairs);
  if (renames instanceof Error)
    return rename !== undefined
      ? { ok: false, usage: true, message: renames.message }
      : { ok: false, usage: false, message: `${where}: "rename": ${renames.message}` };
  const chosenPrefix = prefix ?? file.prefix ?? "";
  const badPrefix = checkPrefix(chosenPrefix);
  if (badPrefix !== undefined)
    return prefix !== undefined
      ? { ok: false, usage: true, message: badPrefix.message }
      : { ok: false, usage: false, message: `${where}: "prefix": ${badPrefix.message}` };
  return { ok: true, rules: { ...rest, renames, prefix: chosenPrefix, expand: expand ?? file.expand ?? false } };
}
