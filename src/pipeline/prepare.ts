// Everything a run does before starting the child, shared by run, export and explain so they
// decide alike: settings, the schema of .secr.json, the secrets (secr, shared fetch or snapshot),
// then the pure plan (src/plan/plan.ts).
import type { CacheFlags, CacheSettings } from "../config/cache-settings.js";
import type { SettingFlags, Settings } from "../config/settings.js";
import { target } from "../config/target.js";
import type { NameContext } from "../plan/name-verdict.js";
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
  only: readonly string[] | undefined;
  allowNames: readonly string[];
  skipInvalid: boolean;
  preserveEnv: boolean | readonly string[];
  passToken: boolean;
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
  plan: Plan;
}

export async function prepare(options: PrepareOptions): Promise<Prepared> {
  const { log } = options;
  const { settings, cache } = loadSettingsWithCache(options.flags, options.cacheFlags, log, options.env, options.cwd);
  options.onSettings?.(settings);
  // Before any request: a broken schema is a configuration error, like the rest of the file.
  const schema = await loadProjectSchema(settings);
  const obtained = await obtainSecrets(settings, { signal: options.signal, log, validate: options.validate, cache, stats: options.stats });
  const where = target(settings);
  const decided = planFor(options, settings, schema, obtained);
  if (decided.template !== undefined && decided.template.extra.length > 0) log.debug(`keys not in the template: ${decided.template.extra.join(", ")}`);
  return { settings, cache, where, obtained, schema, plan: decided };
}

/** The plan for a set of secrets under the run's rules: the start's, and each change under --watch. */
export function planFor(options: PrepareOptions, settings: Settings, schema: PlanSchema | undefined, obtained: Pick<ObtainedSecrets, "secrets" | "validation" | "source" | "ageMs">): Plan {
  return plan({
    where: target(settings),
    context: options.context,
    secrets: obtained.secrets,
    source: obtained.source === "snapshot" ? { kind: "snapshot", ageMs: obtained.ageMs ?? 0 } : { kind: "secr" },
    validation: obtained.validation,
    inherited: options.inherited,
    only: options.only,
    allowNames: options.allowNames,
    skipInvalid: options.skipInvalid,
    preserveEnv: options.preserveEnv,
    passToken: options.passToken,
    token: settings.token,
    schema,
  });
}

/** The schema of the project file; undefined (and zod's checks never loaded) when none is declared. */
export async function loadProjectSchema(settings: Settings): Promise<PlanSchema | undefined> {
  if (settings.schema === undefined) return undefined;
  const { loadSchema } = await import("../schema/index.js");
  const schema = loadSchema(settings.schema, settings.projectFile ?? ".secr.json");
  if (schema instanceof Error) throw new Failure(ExitCode.CONFIG, schema.message);
  return schema;
}
