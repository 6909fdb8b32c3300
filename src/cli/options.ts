// Command-line options of run / check / export, parsed with yargs. Only the words before the
// first `--` ever reach yargs: it coerces and splits what it sees, and the child's arguments
// must pass untouched.
import yargs, { type Argv } from "yargs";
import { ENV_VARS, type SettingFlags } from "../config/settings.js";
import { EXPORT_FORMATS, type ExportFormat } from "../launcher/export-format.js";
import { splitList } from "../launcher/only.js";
import { EXIT_CODE_TABLE, ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";

export type CommandName = "run" | "check" | "export";

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
}

const USAGE: Record<CommandName, string> = {
  run: "secr-run [options] -- <command> [args...]\nsecr-run [options] --command \"<shell string>\"",
  check: "secr-run check [options]",
  export: "secr-run export --format dotenv|json|shell [options]",
};

const DESCRIPTION: Record<CommandName, string> = {
  run: "Pull an environment's secrets from secr, check them against the project template, and run the command with them in its environment.",
  check: "Validate an environment against the project template (CI pre-flight): print missing and extra key names; exit 0 or 78.",
  export: "Print an environment's secrets as dotenv, JSON or POSIX shell `export` lines.",
};

function epilogue(kind: CommandName): string {
  const envVars = Object.values(ENV_VARS).join(", ");
  const lines = [
    `Settings come from flags, then environment variables (${envVars}), then .secr.json (searched up from the working directory: {"org", "project", "env"?, "apiUrl"?}; never a token), then defaults (api-url https://api.secr.dev, timeout 30s).`,
    "",
    kind === "run" ? "Other commands: secr-run check --help, secr-run export --help, secr-run serve --help" : "Run a command: secr-run --help",
    "",
    "Exit codes:",
    ...EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padStart(3)}  ${text}`),
  ];
  return lines.join("\n");
}

function commonParser(kind: CommandName, before: readonly string[]): Argv {
  return yargs([...before])
    .scriptName("secr-run")
    .usage(`${USAGE[kind]}\n\n${DESCRIPTION[kind]}`)
    .parserConfiguration({ "duplicate-arguments-array": true, "strip-aliased": true, "halt-at-non-option": false })
    .option("env", { alias: "e", type: "string", requiresArg: true, description: "environment slug (production, staging, ...)" })
    .option("project", { alias: "p", type: "string", requiresArg: true, description: "project slug" })
    .option("org", { alias: "o", type: "string", requiresArg: true, description: "organisation slug" })
    .option("api-url", { type: "string", requiresArg: true, description: "secr API base URL [default: https://api.secr.dev]" })
    .option("token", { type: "string", requiresArg: true, description: "secr token; prefer SECR_TOKEN (argv is visible in ps)" })
    .option("timeout", { type: "string", requiresArg: true, description: "deadline to obtain the secrets, e.g. 10s, 500ms [default: 30s]" })
    .option("verbose", { alias: "v", type: "boolean", default: false, description: "timings and key names (never values)" })
    .option("quiet", { alias: "q", type: "boolean", default: false, description: "no warnings" })
    .option("help", { alias: "h", type: "boolean", default: false, description: "show this help" })
    .version(false)
    .help(false)
    .strictOptions()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue(epilogue(kind))
    .fail((message, error) => {
      throw new Failure(ExitCode.USAGE, `${message ?? error?.message ?? "invalid arguments"} (see secr-run${kind === "run" ? "" : ` ${kind}`} --help)`);
    });
}

function withRunOptions(parser: Argv): Argv {
  return parser
    .option("command", { alias: "c", type: "string", requiresArg: true, description: "run this string with the system shell (/bin/sh -c) instead of a command after --" })
    .option("validate", { type: "boolean", default: true, description: "check the template before starting (--no-validate skips)" })
    .option("only", { type: "string", requiresArg: true, description: "inject only these keys (KEY1,KEY2); any missing one fails" })
    .option("skip-invalid", { type: "boolean", default: false, description: "skip (with a warning) names that cannot be injected instead of failing" })
    .option("allow-name", { type: "string", requiresArg: true, description: "inject a refused (code-loading) or reserved name anyway, e.g. NODE_OPTIONS; repeatable" })
    .option("preserve-env", { type: "string", description: "keep inherited values over secrets: all, or --preserve-env=K1,K2" })
    .option("pass-token", { type: "boolean", default: false, description: "give the child SECR_TOKEN (removed by default)" });
}

function withExportOptions(parser: Argv): Argv {
  return parser
    .option("format", { alias: "f", type: "string", choices: EXPORT_FORMATS, requiresArg: true, description: "output format" })
    .option("validate", { type: "boolean", default: true, description: "check the template first (--no-validate skips)" })
    .option("only", { type: "string", requiresArg: true, description: "export only these keys (KEY1,KEY2); any missing one fails" })
    .option("skip-invalid", { type: "boolean", default: false, description: "skip (with a warning) names that cannot be exported instead of failing" })
    .option("allow-name", { type: "string", requiresArg: true, description: "export a refused (code-loading) or reserved name anyway; repeatable" });
}

function withCheckOptions(parser: Argv): Argv {
  return parser.option("json", { type: "boolean", default: false, description: "print {valid, missing, extra} as JSON" });
}

function parserFor(kind: CommandName, before: readonly string[]): Argv {
  const base = commonParser(kind, before);
  return kind === "run" ? withRunOptions(base) : kind === "export" ? withExportOptions(base) : withCheckOptions(base);
}

export function helpText(kind: CommandName): Promise<string> {
  return parserFor(kind, []).getHelp();
}

type Raw = Record<string, unknown>;

/** A boolean option; repeated flags arrive as arrays, the last one wins. */
function boolOption(raw: Raw, name: string): boolean {
  return boolOptionIs(raw, name, true);
}

function boolOptionIs(raw: Raw, name: string, expected: boolean): boolean {
  const value = raw[name];
  return (Array.isArray(value) ? value.at(-1) : value) === expected;
}

/** A string option (last one wins when repeated); "" given explicitly is a usage error. */
function stringOption(raw: Raw, name: string): string | undefined {
  const value = raw[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined) return undefined;
  const text = String(last);
  if (text === "") throw new Failure(ExitCode.USAGE, `--${name} needs a value`);
  return text;
}

function listOption(raw: Raw, name: string): string[] | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const list = splitList((Array.isArray(value) ? value : [value]).map(String));
  if (list.length === 0) throw new Failure(ExitCode.USAGE, `--${name} needs a comma-separated list of names`);
  return list;
}

function common(raw: Raw): CommonOptions {
  return {
    flags: {
      env: stringOption(raw, "env"),
      project: stringOption(raw, "project"),
      org: stringOption(raw, "org"),
      apiUrl: stringOption(raw, "api-url"),
      token: stringOption(raw, "token"),
      timeout: stringOption(raw, "timeout"),
    },
    verbose: boolOption(raw, "verbose"),
    quiet: boolOption(raw, "quiet"),
    help: boolOption(raw, "help"),
  };
}

function parseRaw(kind: CommandName, before: readonly string[]): Raw {
  const raw = parserFor(kind, before).parseSync() as Raw;
  const positionals = (raw._ as unknown[] | undefined) ?? [];
  if (positionals.length > 0 && raw.help !== true) {
    const hint = kind === "run" ? ": put the command after --, e.g. secr-run --env production -- node server.js" : "";
    throw new Failure(ExitCode.USAGE, `unexpected argument "${String(positionals[0])}"${hint}`);
  }
  return raw;
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
    ...common(raw),
    command: raw.command === undefined ? undefined : String(Array.isArray(raw.command) ? raw.command.at(-1) : raw.command),
    validate: !boolOptionIs(raw, "validate", false),
    only: listOption(raw, "only"),
    skipInvalid: boolOption(raw, "skip-invalid"),
    allowNames: listOption(raw, "allow-name") ?? [],
    preserveEnv,
    passToken: boolOption(raw, "pass-token"),
  };
}

export function parseCheckOptions(before: readonly string[]): CheckOptions {
  const raw = parseRaw("check", before);
  return { ...common(raw), json: boolOption(raw, "json") };
}

export function parseExportOptions(before: readonly string[]): ExportOptions {
  const raw = parseRaw("export", before);
  const options = common(raw);
  const format = stringOption(raw, "format");
  if (format === undefined && !options.help) {
    throw new Failure(ExitCode.USAGE, "missing --format dotenv|json|shell (see secr-run export --help)");
  }
  return {
    ...options,
    format: (format ?? "dotenv") as ExportFormat,
    validate: !boolOptionIs(raw, "validate", false),
    only: listOption(raw, "only"),
    skipInvalid: boolOption(raw, "skip-invalid"),
    allowNames: listOption(raw, "allow-name") ?? [],
  };
}
