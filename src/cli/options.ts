// Command-line options of run / check / export. Only the words before the first `--` are ever
// parsed: a parser coerces and splits what it sees, and the child's arguments must pass untouched.
//
// Parsing uses yargs-parser, the parser inside yargs, configured from the table below; yargs
// itself (≈ 50 ms to load) only renders --help (help.ts). The run path is on every start of the
// user's program, --help is not.
import parser from "yargs-parser";
import type { CacheFlags } from "../config/cache-settings.js";
import type { SettingFlags } from "../config/settings.js";
import { EXPORT_FORMATS, type ExportFormat } from "../launcher/export-format.js";
import { splitList } from "../launcher/only.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";

export type CommandName = "run" | "check" | "export";

export interface OptionSpec {
  name: string;
  alias?: string;
  type: "string" | "boolean";
  default?: boolean;
  choices?: readonly string[];
  description: string;
}

const COMMON: OptionSpec[] = [
  { name: "env", alias: "e", type: "string", description: "environment slug (production, staging, ...)" },
  { name: "project", alias: "p", type: "string", description: "project slug" },
  { name: "org", alias: "o", type: "string", description: "organisation slug" },
  { name: "api-url", type: "string", description: "secr API base URL [default: https://api.secr.dev]" },
  { name: "token", type: "string", description: "secr token; prefer SECR_TOKEN (argv is visible in ps)" },
  { name: "timeout", type: "string", description: "deadline to obtain the secrets, e.g. 10s, 500ms [default: 30s]" },
  { name: "verbose", alias: "v", type: "boolean", description: "timings and key names (never values)" },
  { name: "quiet", alias: "q", type: "boolean", description: "no warnings" },
  { name: "help", alias: "h", type: "boolean", description: "show this help" },
];

const NAME_RULES = (verb: string): OptionSpec[] => [
  { name: "only", type: "string", description: `${verb} only these keys (KEY1,KEY2); any missing one fails` },
  { name: "skip-invalid", type: "boolean", description: `skip (with a warning) names that cannot be ${verb === "inject" ? "injected" : "exported"} instead of failing` },
  { name: "allow-name", type: "string", description: `${verb} a refused (code-loading) or reserved name anyway, e.g. NODE_OPTIONS; repeatable` },
];

// The offline snapshot (issue 5): run and export fall back to it; check asks secr only.
const CACHE: OptionSpec[] = [
  { name: "offline", type: "boolean", description: "do not contact secr: start from the encrypted snapshot, or exit 69 (SECR_OFFLINE=1)" },
  { name: "cache", type: "boolean", default: true, description: "keep an encrypted snapshot for when secr is down (--no-cache: neither read nor write; SECR_NO_CACHE=1)" },
  { name: "cache-dir", type: "string", description: "snapshot directory (SECR_CACHE_DIR) [default: $XDG_CACHE_HOME/secr-run or ~/.cache/secr-run]" },
  { name: "cache-max-age", type: "string", description: "oldest snapshot to start from, e.g. 12h, 7d; 0 = no limit (SECR_CACHE_MAX_AGE) [default: 7d]" },
  { name: "passphrase", type: "string", description: "extra secret mixed into the snapshot key; prefer SECR_PASSPHRASE (argv is visible in ps)" },
];

export const OPTIONS: Record<CommandName, OptionSpec[]> = {
  run: [
    ...COMMON,
    { name: "command", alias: "c", type: "string", description: "run this string with the system shell (/bin/sh -c) instead of a command after --" },
    { name: "validate", type: "boolean", default: true, description: "check the template before starting (--no-validate skips)" },
    ...NAME_RULES("inject"),
    { name: "preserve-env", type: "string", description: "keep inherited values over secrets: all, or --preserve-env=K1,K2" },
    { name: "pass-token", type: "boolean", description: "give the child SECR_TOKEN (removed by default)" },
    ...CACHE,
  ],
  check: [...COMMON, { name: "json", type: "boolean", description: "print {org, project, env, valid, missing, extra} as JSON" }],
  export: [
    ...COMMON,
    { name: "format", alias: "f", type: "string", choices: EXPORT_FORMATS, description: "output format (required)" },
    { name: "validate", type: "boolean", default: true, description: "check the template first (--no-validate skips)" },
    ...NAME_RULES("export"),
    ...CACHE,
  ],
};

/** Split at the first `--`: options before it, the child's command (verbatim) after it. */
export function splitAtDoubleDash(args: readonly string[]): { before: string[]; after: string[] | undefined } {
  const index = args.indexOf("--");
  return index === -1 ? { before: [...args], after: undefined } : { before: args.slice(0, index), after: args.slice(index + 1) };
}

/** Cheap pre-scan for -v/-q, so messages before full parsing already honour them. */
export function scanVerbosity(before: readonly string[]): { verbose: boolean; quiet: boolean } {
  return {
    verbose: before.some((a) => a === "--verbose" || a === "-v"),
    quiet: before.some((a) => a === "--quiet" || a === "-q"),
  };
}

export interface CommonOptions {
  flags: SettingFlags;
  verbose: boolean;
  quiet: boolean;
  help: boolean;
}

export interface RunOptions extends CommonOptions {
  command: string | undefined;
  validate: boolean;
  only: string[] | undefined;
  skipInvalid: boolean;
  allowNames: string[];
  /** true: keep every inherited value; a list: only those; false: secrets win. */
  preserveEnv: boolean | string[];
  passToken: boolean;
  cache: CacheFlags;
}

export interface CheckOptions extends CommonOptions {
  json: boolean;
}

export interface ExportOptions extends CommonOptions {
  format: ExportFormat;
  validate: boolean;
  only: string[] | undefined;
  skipInvalid: boolean;
  allowNames: string[];
  cache: CacheFlags;
}

type Raw = Record<string, unknown>;

function usage(kind: CommandName, message: string): Failure {
  return new Failure(ExitCode.USAGE, `${message} (see secr-run${kind === "run" ? "" : ` ${kind}`} --help)`);
}

function parseRaw(kind: CommandName, before: readonly string[]): Raw {
  const specs = OPTIONS[kind];
  // `--preserve-env` takes an optional value; a bare flag means "all".
  const words = before.map((word) => (word === "--preserve-env" ? "--preserve-env=" : word));
  const raw = parser(words, {
    string: specs.filter((s) => s.type === "string").map((s) => s.name),
    boolean: specs.filter((s) => s.type === "boolean").map((s) => s.name),
    alias: Object.fromEntries(specs.filter((s) => s.alias).map((s) => [s.name, [s.alias!]])),
    configuration: {
      "camel-case-expansion": false,
      "strip-aliased": true,
      "duplicate-arguments-array": true,
      "unknown-options-as-args": true,
      "parse-numbers": false,
      "parse-positional-numbers": false,
      "dot-notation": false,
    },
  }) as Raw;
  if (raw.help === true) return raw;
  const rest = ((raw._ as unknown[] | undefined) ?? []).map(String);
  const unknown = rest.find((word) => word.startsWith("-"));
  if (unknown !== undefined) throw usage(kind, `unknown option ${unknown.split("=")[0]}`);
  if (rest.length > 0) {
    const hint = kind === "run" ? ": put the command after --, e.g. secr-run --env production -- node server.js" : "";
    throw usage(kind, `unexpected argument "${rest[0]}"${hint}`);
  }
  for (const spec of specs) {
    if (spec.choices === undefined || raw[spec.name] === undefined) continue;
    const value = last(raw[spec.name]);
    if (!spec.choices.includes(String(value))) throw usage(kind, `--${spec.name} must be one of ${spec.choices.join(", ")}`);
  }
  return raw;
}

/** Repeated options arrive as arrays: the last one wins. */
function last(value: unknown): unknown {
  return Array.isArray(value) ? value.at(-1) : value;
}

function flag(raw: Raw, name: string, fallback = false): boolean {
  const value = last(raw[name]);
  return value === undefined ? fallback : value === true;
}

/** A string option; given with an empty value it is a usage error. */
function stringOption(kind: CommandName, raw: Raw, name: string): string | undefined {
  const value = last(raw[name]);
  if (value === undefined) return undefined;
  const text = String(value);
  if (text === "") throw usage(kind, `--${name} needs a value`);
  return text;
}

/** A repeatable comma-list option: `--only A,B --only C`. */
function listOption(kind: CommandName, raw: Raw, name: string): string[] | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const list = splitList((Array.isArray(value) ? value : [value]).map(String));
  if (list.length === 0) throw usage(kind, `--${name} needs a comma-separated list of names`);
  return list;
}

/** A boolean flag, or undefined when not given (so an environment variable can decide). */
function optionalFlag(raw: Raw, name: string): boolean | undefined {
  const value = last(raw[name]);
  return value === undefined ? undefined : value === true;
}

function cacheFlags(kind: CommandName, raw: Raw): CacheFlags {
  return {
    offline: optionalFlag(raw, "offline"),
    cache: optionalFlag(raw, "cache"),
    cacheDir: stringOption(kind, raw, "cache-dir"),
    cacheMaxAge: stringOption(kind, raw, "cache-max-age"),
    passphrase: stringOption(kind, raw, "passphrase"),
  };
}

function common(kind: CommandName, raw: Raw): CommonOptions {
  return {
    flags: {
      env: stringOption(kind, raw, "env"),
      project: stringOption(kind, raw, "project"),
      org: stringOption(kind, raw, "org"),
      apiUrl: stringOption(kind, raw, "api-url"),
      token: stringOption(kind, raw, "token"),
      timeout: stringOption(kind, raw, "timeout"),
    },
    verbose: flag(raw, "verbose"),
    quiet: flag(raw, "quiet"),
    help: flag(raw, "help"),
  };
}

export function parseRunOptions(before: readonly string[]): RunOptions {
  const raw = parseRaw("run", before);
  const preserve = raw["preserve-env"];
  let preserveEnv: boolean | string[] = false;
  if (preserve !== undefined) {
    const list = splitList((Array.isArray(preserve) ? preserve : [preserve]).map(String));
    preserveEnv = list.length === 0 ? true : list;
  }
  return {
    ...common("run", raw),
    command: stringOption("run", raw, "command"),
    validate: flag(raw, "validate", true),
    only: listOption("run", raw, "only"),
    skipInvalid: flag(raw, "skip-invalid"),
    allowNames: listOption("run", raw, "allow-name") ?? [],
    preserveEnv,
    passToken: flag(raw, "pass-token"),
    cache: cacheFlags("run", raw),
  };
}

export function parseCheckOptions(before: readonly string[]): CheckOptions {
  const raw = parseRaw("check", before);
  return { ...common("check", raw), json: flag(raw, "json") };
}

export function parseExportOptions(before: readonly string[]): ExportOptions {
  const raw = parseRaw("export", before);
  const options = common("export", raw);
  const format = stringOption("export", raw, "format");
  if (format === undefined && !options.help) throw usage("export", "missing --format dotenv|json|shell");
  return {
    ...options,
    format: (format ?? "dotenv") as ExportFormat,
    validate: flag(raw, "validate", true),
    only: listOption("export", raw, "only"),
    skipInvalid: flag(raw, "skip-invalid"),
    allowNames: listOption("export", raw, "allow-name") ?? [],
    cache: cacheFlags("export", raw),
  };
}
