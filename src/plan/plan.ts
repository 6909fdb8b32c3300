// Every decision between "the secrets are here" and "start the child", as one pure function:
// the layers, --expand, --rename / --prefix (compose.ts), the template verdict, --only, the name
// rules, --preserve-env / --pass-token, the schema and its defaults, all under the run's
// EnvRules (env-rules.ts). `run` starts the child with `env` (or stops with `stop`), `export` prints it, and
// `explain` prints `rows`; all three therefore decide alike (docs/design/insights.md).
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import type { SchemaCheckResult } from "../schema/check.js";
import { buildChildEnv, CREDENTIAL_VARS } from "./child-env.js";
import { describeNameRules, type NameContext } from "./name-verdict.js";
import { applyNameRules, printableName, type NameRuleResult } from "./names.js";
import { selectOnly } from "./only.js";
import { compose, referencedValues, type Composed, type PlanLayer } from "./compose.js";
import type { EnvRules } from "./env-rules.js";
import { checkLayeredTemplates, type LayeredTemplateCheck } from "./layered-template.js";

/** What plan() needs of a schema (src/schema/index.ts), so this file never loads zod. */
export interface PlanSchema {
  file: string;
  check(lookup: (key: string) => string | undefined): SchemaCheckResult;
  describe(key: string): string | undefined;
}

export type SecretSource = { kind: "secr" } | { kind: "snapshot"; ageMs: number };

export interface PlanInput {
  /** `org/project/env`, for messages. */
  where: string;
  context: NameContext;
  /** Every secret of each `--env` layer, in order (later wins), as pulled or read from the
   *  snapshot, with its template verdict. */
  layers: readonly PlanLayer[];
  source: SecretSource;
  /** secr-run's own environment (export: none). */
  inherited: Readonly<Record<string, string | undefined>>;
  rules: EnvRules;
  token: string;
  schema: PlanSchema | undefined;
  platform?: NodeJS.Platform;
}

export type RowSource = "secr" | "snapshot" | "inherited" | "default" | "token" | "none";
/**
 * injected: the child gets it. kept: an inherited value the child gets (over a secret under
 * --preserve-env, or declared in the schema). refused: stops the run. skipped: left out, the run
 * goes on. removed: secr-run's own credential, scrubbed. missing: required, absent.
 */
export type RowAction = "injected" | "kept" | "refused" | "skipped" | "removed" | "missing";

export interface PlanRow {
  key: string;
  source: RowSource;
  action: RowAction;
  reason?: string;
  /** secr's name of a renamed or prefixed key. */
  secrName?: string;
  /** The layer the value came from and the layers it overrode (several `--env` layers). */
  layer?: string;
  overrode?: string[];
  /** The keys its `${...}` references named (--expand). */
  references?: string[];
  /** Present for keys the schema declares. */
  schema?: { type: string; ok: boolean; rule?: string };
}

export interface PlanStop {
  exitCode: typeof ExitCode.DATA | typeof ExitCode.CONFIG | typeof ExitCode.USAGE;
  message: string;
}

export interface Plan {
  /** The child's complete environment (export: exactly what is printed). */
  env: Record<string, string>;
  rows: PlanRow[];
  /** Keys set from secr (or the snapshot) or a schema default, sorted. */
  injected: string[];
  /** Secrets left out (refused or skipped), sorted. */
  refused: string[];
  template: LayeredTemplateCheck | undefined;
  schema: SchemaCheckResult | undefined;
  warnings: string[];
  /** The child's names → the values the secrets give them (after --expand, --rename, --prefix;
   *  refused ones too): what explain fingerprints. */
  values: Readonly<Record<string, string>>;
  /** secr keys → values that injected values were expanded from (--expand): masked with them. */
  referenced: Readonly<Record<string, string>>;
  /** -v lines naming each key a later layer overrode, names only. */
  overrides: string[];
  /** Why the child must not start (export: nothing printed); undefined when it may. */
  stop: PlanStop | undefined;
}

export function plan(input: PlanInput): Plan {
  const { rules } = input;
  let composed: Composed;
  try {
    composed = compose(input.layers, rules);
  } catch (error) {
    // A cycle, a missing reference (78) or two keys on one name (64): no environment to plan.
    if (!(error instanceof Failure)) throw error;
    return stopped({
      exitCode: error.exitCode as PlanStop["exitCode"],
      message: `${error.message} (${outcomeOf(input)})`,
    });
  }
  const platform = input.platform ?? process.platform;
  const norm = (name: string) => (platform === "win32" ? name.toUpperCase() : name);
  const secretSource: RowSource = input.source.kind;
  const rows = new Map<string, PlanRow>();
  const add = (row: PlanRow) => rows.set(row.key, withOrigin(row, composed));
  const secrets = composed.secrets;

  // secr's names, before renames: the template is secr's.
  const template = checkLayeredTemplates(input.layers, composed.merged);

  const only = selectOnly(secrets, rules.only);
  for (const key of Object.keys(secrets))
    if (!Object.hasOwn(only.selected, key))
      add({ key, source: secretSource, action: "skipped", reason: "not in --only" });
  for (const key of only.missing) add({ key, source: "none", action: "missing", reason: "listed in --only" });

  // The names the child gets: a rename or prefix giving LD_PRELOAD is refused like a secret so named.
  const names = applyNameRules(only.selected, {
    allowNames: rules.allowNames,
    skipInvalid: rules.skipInvalid,
    platform,
  });
  for (const row of nameRows(names, secretSource)) add(row);

  const child = buildChildEnv({
    inherited: input.inherited,
    secrets: names.accepted,
    preserve: rules.preserveEnv,
    passToken: rules.passToken,
    token: input.token,
    platform,
  });
  const env = child.env;
  for (const key of Object.keys(names.accepted)) {
    add(
      child.preserved.includes(key)
        ? { key, source: "inherited", action: "kept", reason: "--preserve-env (the secret is not used)" }
        : { key, source: secretSource, action: "injected" },
    );
  }
  for (const [name, value] of Object.entries(input.inherited)) {
    if (value === undefined || !CREDENTIAL_VARS.includes(norm(name))) continue;
    if (rules.passToken)
      add({
        key: name,
        source: norm(name) === "SECR_TOKEN" ? "token" : "inherited",
        action: "kept",
        reason: "--pass-token",
      });
    else
      add({
        key: name,
        source: "inherited",
        action: "removed",
        reason: "secr-run credential (--pass-token passes it)",
      });
  }
  if (rules.passToken) add({ key: "SECR_TOKEN", source: "token", action: "injected", reason: "--pass-token" });

  let schema: SchemaCheckResult | undefined;
  if (input.schema !== undefined) {
    const present = new Map(Object.keys(env).map((name) => [norm(name), name]));
    const lookup = (key: string) => {
      const name = present.get(norm(key));
      return name === undefined ? undefined : env[name];
    };
    schema = input.schema.check(lookup);
    for (const [key, value] of Object.entries(schema.defaults)) {
      env[key] = value;
      add({ key, source: "default", action: "injected", reason: `schema default (${input.schema.file})` });
    }
    const failed = new Map(schema.failures.map((f) => [f.key, f.rule]));
    for (const key of [...schema.passed, ...failed.keys()]) {
      const type = input.schema.describe(key) ?? "?";
      const rule = failed.get(key);
      const verdict = rule === undefined ? { type, ok: true } : { type, ok: false, rule };
      const existing = rows.get(key) ?? [...rows.values()].find((row) => norm(row.key) === norm(key));
      if (existing !== undefined && existing.action !== "skipped" && existing.action !== "refused")
        existing.schema = verdict;
      else if (lookup(key) !== undefined)
        add({ key, source: "inherited", action: "kept", reason: "inherited, declared in the schema", schema: verdict });
      else
        add({
          key,
          source: "none",
          action: "missing",
          reason:
            existing === undefined
              ? "required by the schema"
              : `required by the schema; the secret was ${existing.action} (${existing.reason})`,
          schema: verdict,
        });
    }
  }
  if (template !== undefined) {
    for (const { key, project } of template.missingFrom) {
      if (!rows.has(key))
        add({
          key,
          source: "none",
          action: "missing",
          reason: input.layers.length > 1 ? `required by the template of ${project}` : "required by the template",
        });
    }
  }

  const nameVerdict = describeNameRules(names, input.context);
  const sortedRows = [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const injected = sortedRows
    .filter((row) => row.action === "injected" && row.source !== "token")
    .map((row) => row.key);
  return {
    env,
    rows: sortedRows,
    injected,
    refused: sortedRows
      .filter((row) => (row.action === "refused" || row.action === "skipped") && row.source !== "none")
      .map((row) => row.key),
    template,
    schema,
    warnings: [...composed.warnings, ...nameVerdict.warnings],
    values: secrets,
    referenced: referencedValues(composed, injected),
    overrides: composed.overrides,
    stop: decideStop(
      input,
      template,
      schema,
      only.missing,
      nameVerdict.fatal && withRenamed(nameVerdict.fatal, names, composed),
    ),
  };
}

/** A refused name a rename or the prefix made says so: the fix is there, not in secr. */
function withRenamed(message: string, names: NameRuleResult, composed: Composed): string {
  const renamed = [...names.refused, ...names.invalidNames]
    .filter((name) => composed.origin[name] !== undefined && composed.origin[name]!.secrName !== name)
    .map((name) => `${printableName(name)} is secr's ${printableName(composed.origin[name]!.secrName)}`);
  return renamed.length === 0 ? message : `${message}; renamed by --rename/--prefix: ${renamed.join(", ")}`;
}

/** A plan that cannot be made (see compose.ts): no environment, only the stop. */
function stopped(stop: PlanStop): Plan {
  return {
    env: {},
    rows: [],
    injected: [],
    refused: [],
    template: undefined,
    schema: undefined,
    warnings: [],
    values: {},
    referenced: {},
    overrides: [],
    stop,
  };
}

function outcomeOf(input: PlanInput): string {
  return input.context === "run" ? "the command was not started" : "nothing was printed";
}

/** A secret's row says where its value came from: its layer, secr's name, what it references. */
function withOrigin(row: PlanRow, composed: Composed): PlanRow {
  if (row.source !== "secr" && row.source !== "snapshot") return row;
  const origin = composed.origin[row.key];
  if (origin === undefined) return row;
  const out: PlanRow = { ...row };
  if (origin.secrName !== row.key) out.secrName = origin.secrName;
  if (origin.layer !== undefined) out.layer = origin.layer;
  if (origin.overrode !== undefined && origin.overrode.length > 0) out.overrode = origin.overrode;
  if (origin.references !== undefined) out.references = origin.references;
  return out;
}

/** The same order as always: template (and schema, one message), --only, then the name rules. */
function decideStop(
  input: PlanInput,
  template: LayeredTemplateCheck | undefined,
  schema: SchemaCheckResult | undefined,
  onlyMissing: readonly string[],
  namesFatal: string | undefined,
): PlanStop | undefined {
  const outcome = outcomeOf(input);
  const list = (keys: readonly string[]) => keys.map(printableName).join(", ");
  const parts: string[] = [];
  if (template?.failed) {
    const missing =
      input.layers.length > 1
        ? template.missingFrom.map(({ key, project }) => `${printableName(key)} (template of ${project})`).join(", ")
        : list(template.missing);
    parts.push(
      template.missing.length > 0
        ? `lacks required template keys: ${missing}`
        : "does not satisfy the project template",
    );
  }
  if (schema !== undefined && schema.failures.length > 0) {
    parts.push(
      `breaks the schema in ${input.schema!.file}: ${schema.failures.map((f) => `${printableName(f.key)} ${f.rule}`).join("; ")}`,
    );
  }
  if (parts.length > 0)
    return { exitCode: ExitCode.CONFIG, message: `${input.where} ${parts.join(", and ")} (${outcome})` };
  if (onlyMissing.length > 0)
    return {
      exitCode: ExitCode.CONFIG,
      message: `${input.where} lacks keys given to --only: ${list(onlyMissing)} (${outcome})`,
    };
  if (namesFatal !== undefined) return { exitCode: ExitCode.DATA, message: namesFatal };
  return undefined;
}

function nameRows(names: NameRuleResult, source: RowSource): PlanRow[] {
  // Refused rows stop the run; under --skip-invalid the same keys are skipped and it goes on.
  const stopping = names.fatal ? "refused" : "skipped";
  return [
    ...names.invalidNames.map((key): PlanRow => ({
      key,
      source,
      action: stopping,
      reason: "not a valid environment variable name",
    })),
    ...names.nulValues.map((key): PlanRow => ({ key, source, action: stopping, reason: "value contains a NUL byte" })),
    ...names.oversized.map((key): PlanRow => ({
      key,
      source,
      action: stopping,
      reason: "value over the 128 KiB limit of one variable",
    })),
    ...names.refused.map((key): PlanRow => ({
      key,
      source,
      action: stopping,
      reason: "loads code into the child (--allow-name to inject)",
    })),
    ...names.reserved.map((key): PlanRow => ({
      key,
      source,
      action: "skipped",
      reason: "session basic (--allow-name to inject)",
    })),
  ];
}
