// Everything a run does before starting the child, shared by run, export and explain so they
// decide alike: settings, the schema of .secr.json, the secrets (secr, shared fetch or snapshot),
// then the pure plan (src/plan/plan.ts).
import type { CacheFlags, CacheSettings } from "../config/cache-settings.js";
import { resolveEnvRules } from "../config/env-rules.js";
import type { SettingFlags, Settings } from "../config/settings.js";
import { target } from "../config/target.js";
import type { NameContext } from "../plan/name-verdict.js";
import type { PlanLayer } from "../plan/compose.js";
import type { EnvRuleFlags, EnvRules } from "../plan/env-rules.js";
import { plan, type Plan, type PlanSchema } from "../plan/plan.js";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import { loadSettingsWithCache } from "./load-settings.js";
import type { Logger } from "../core/logger.js";
import { obtainSecrets, type FetchStats, type ObtainedSecrets } from "./obtain-secrets.js";

export interface PrepareOptions {
  flags: SettingFlags;
  cacheFlags: CacheFlags;
  validate: boolean;
  /** The rules for the child's environment, as the command line gives them
   *  (src/cli/prepare-options.ts); .secr.json fills the rest. */
  rules: EnvRuleFlags;
  context: NameContext;
  /** The child's inherited environment (export: none). */
  inherited: Readonly<Record<string, string | undefined>>;
  log: Logger;
  signal?: AbortSignal | undefined;
  stats?: FetchStats | undefined;
  /** Called once settings resolved (the report's target and timing). */
  onSettings?: (settings: Settings) => void;
  /** Where settings are read from (environment variables, the project file's directory); default: this process's. */
  env?: Record<string, string | undefined> | undefined;
  cwd?: string | undefined;
}

export interface Prepared {
  settings: Settings;
  cache: CacheSettings;
  where: string;
  obtained: ObtainedSecrets;
  schema: PlanSchema | undefined;
  /** The rules resolved with .secr.json: every later plan (--watch) uses the same. */
  rules: EnvRules;
  plan: Plan;
}

export async function prepare(options: PrepareOptions): Promise<Prepared> {
  const { log } = options;
  const { settings, cache } = loadSettingsWithCache(options.flags, options.cacheFlags, log, options.env, options.cwd);
  options.onSettings?.(settings);
  // Before any request: a bad --rename or --prefix, or a broken schema, stops here.
  rulesFor(options, settings);
  const schema = await loadProjectSchema(settings);
  const obtained = await obtainSecrets(settings, {
    signal: options.signal,
    log,
    validate: options.validate,
    cache,
    stats: options.stats,
  });
  const where = target(settings);
  const decided = planFor(options, settings, schema, obtained);
  for (const line of decided.overrides) log.debug(line);
  if (decided.template !== undefined && decided.template.extra.length > 0)
    log.debug(`keys not in the template: ${decided.template.extra.join(", ")}`);
  return { settings, cache, where, obtained, schema, rules: rulesFor(options, settings), plan: decided };
}

/** The command line's rules with .secr.json's; a bad one is 64 (flag) or 78 (file). */
export function rulesFor(options: Pick<PrepareOptions, "rules">, settings: Settings): EnvRules {
  const result = resolveEnvRules(options.rules, settings.projectRules, settings.projectFile);
  if (!result.ok) throw new Failure(result.usage ? ExitCode.USAGE : ExitCode.CONFIG, result.message);
  return result.rules;
}

/** The plan for a set of secrets under the run's rules: the start's, and each change under --watch. */
export function planFor(
  options: Pick<PrepareOptions, "context" | "inherited" | "rules">,
  settings: Settings,
  schema: PlanSchema | undefined,
  obtained: Pick<ObtainedSecrets, "secrets" | "validation" | "source" | "ageMs" | "layers">,
): Plan {
  return plan({
    where: target(settings),
    context: options.context,
    layers: layersOf(settings, obtained),
    source: obtained.source === "snapshot" ? { kind: "snapshot", ageMs: obtained.ageMs ?? 0 } : { kind: "secr" },
    inherited: options.inherited,
    rules: rulesFor(options, settings),
    token: settings.token,
    schema,
  });
}

/** Each layer's secrets; one environment is one layer. */
export function layersOf(
  settings: Settings,
  obtained: Pick<ObtainedSecrets, "secrets" | "validation" | "layers">,
): PlanLayer[] {
  return (
    obtained.layers ?? [
      { label: settings.env, project: settings.project, secrets: obtained.secrets, validation: obtained.validation },
    ]
  );
}

/** The schema of the project file; undefined (and zod's checks never loaded) when none is declared. */
export async function loadProjectSchema(settings: Settings): Promise<PlanSchema | undefined> {
  if (settings.schema === undefined) return undefined;
  const { loadSchema } = await import("../schema/index.js");
  const schema = loadSchema(settings.schema, settings.projectFile ?? ".secr.json");
  if (schema instanceof Error) throw new Failure(ExitCode.CONFIG, schema.message);
  return schema;
}
