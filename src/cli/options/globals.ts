// Options every secr command takes, before or after its name: `secr-run --env dev check` and
// `secr-run check --env dev` are the same. A command opts in by spreading GLOBAL_OPTIONS (or
// SECR_OPTIONS, the ones that say which secr to talk to) into its options.
import { DEFAULT_API_URL, DEFAULT_TIMEOUT_MS, ENV_VARS, type SettingFlags } from "../../config/settings.js";
import { formatDuration } from "../../config/duration.js";
import { Option } from "../define/option.js";

const GLOBAL = "Global options";

/** Which secr, which environment, how long to wait. */
export const SECR_OPTIONS = {
  env: Option.Repeated("--env", {
    group: GLOBAL,
    alias: "e",
    hint: "SLUG",
    env: ENV_VARS.env,
    description:
      "environment slug (production, staging, ...); run, export, explain and check take several (ENV or PROJECT/ENV, repeated or a,b): later wins",
  }),
  project: Option.String("--project", {
    group: GLOBAL,
    alias: "p",
    hint: "SLUG",
    env: ENV_VARS.project,
    description: "project slug",
  }),
  org: Option.String("--org", {
    group: GLOBAL,
    alias: "o",
    hint: "SLUG",
    env: ENV_VARS.org,
    description: "organisation slug",
  }),
  apiUrl: Option.String("--api-url", {
    group: GLOBAL,
    hint: "URL",
    env: ENV_VARS.apiUrl,
    defaultText: DEFAULT_API_URL,
    description: "secr API base URL",
  }),
  token: Option.String("--token", {
    group: GLOBAL,
    hint: "TOKEN",
    env: ENV_VARS.token,
    description: "secr token; prefer SECR_TOKEN (argv is visible in ps)",
  }),
  timeout: Option.String("--timeout", {
    group: GLOBAL,
    hint: "DURATION",
    env: ENV_VARS.timeout,
    defaultText: formatDuration(DEFAULT_TIMEOUT_MS),
    description: "deadline to obtain the secrets, retries included, e.g. 10s, 500ms",
  }),
  caFile: Option.String("--ca-file", {
    group: GLOBAL,
    hint: "FILE",
    env: ENV_VARS.caFile,
    description: "PEM CA certificates to trust for secr besides the system's (a private CA, e.g. a node agent's)",
  }),
} as const;

/** Output and meta options. */
export const OUTPUT_OPTIONS = {
  verbose: Option.Boolean("--verbose", false, {
    group: GLOBAL,
    alias: "v",
    description: "timings and key names (never values)",
  }),
  quiet: Option.Boolean("--quiet", false, { group: GLOBAL, alias: "q", description: "no warnings" }),
  help: Option.Boolean("--help", false, { group: GLOBAL, alias: "h", description: "show this help" }),
  version: Option.Boolean("--version", false, { group: GLOBAL, alias: "V", description: "print secr-run's version" }),
} as const;

export const GLOBAL_OPTIONS = { ...SECR_OPTIONS, ...OUTPUT_OPTIONS } as const;

/** The global declarations, for the dispatcher (options given before the command's name). */
export const GLOBAL_DEFINITIONS: readonly (typeof GLOBAL_OPTIONS)[keyof typeof GLOBAL_OPTIONS][] =
  Object.values(GLOBAL_OPTIONS);

/** Parsed SECR_OPTIONS, in the shape settings resolution takes. */
export function settingFlags(
  options: { [K in Exclude<keyof typeof SECR_OPTIONS, "env">]: string | undefined } & {
    env: readonly string[] | undefined;
  },
): SettingFlags {
  const { env, project, org, apiUrl, token, timeout, caFile } = options;
  return { env, project, org, apiUrl, token, timeout, caFile };
}

/** Cheap pre-scan for -v/-q before the words are parsed, so the first messages honour them. */
export function scanVerbosity(args: readonly string[]): { verbose: boolean; quiet: boolean } {
  const end = args.indexOf("--");
  const before = end === -1 ? args : args.slice(0, end);
  return {
    verbose: before.some((a) => a === "--verbose" || a === "-v"),
    quiet: before.some((a) => a === "--quiet" || a === "-q"),
  };
}

/** `--env` where a command takes one environment (a token's scope, init's file): one value, or an Error. */
export function oneEnv(values: readonly string[] | undefined): string | undefined | Error {
  if (values === undefined) return undefined;
  if (values.length > 1 || values[0]!.includes(",")) return new Error("--env takes one environment here");
  return values[0];
}
