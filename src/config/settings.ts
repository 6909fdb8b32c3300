// Settings resolution, pure: flag > environment variable > project file > default.
// Effects (reading process.env, finding .secr.json) happen in the caller.
import { parseDuration } from "./duration.js";
import type { ProjectRules } from "./env-rules.js";
import type { LoadedProjectFile } from "./project-file.js";
import { parseLayers, type LayerRef } from "../plan/layer-spec.js";

import { DEFAULT_API_URL, DEFAULT_TIMEOUT_MS } from "../client/defaults.js";

export { DEFAULT_API_URL, DEFAULT_TIMEOUT_MS };
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export type SettingName = "org" | "project" | "env" | "apiUrl" | "token" | "timeout" | "caFile";
export type SettingSource = "flag" | "environment" | "project file" | "default";

/** Settings a command needs; `check`/`export`/run all need the same five, plus the timeout. */
export interface Settings {
  org: string;
  project: string;
  /** The environment; with several layers, their labels joined by `+` (`shared+production`:
   *  no slug holds a `+`), which names the layered set in messages and its snapshot. */
  env: string;
  /** The `--env` layers in order, later wins (docs/guide/layers.md); one for a single env, none
   *  when the command needs no env. */
  layers: LayerRef[];
  apiUrl: string;
  token: string;
  timeoutMs: number;
  /** PEM CA certificates to trust for secr besides the system's (a private CA, e.g. a node agent's). */
  caFile?: string | undefined;
  /** Where each setting came from, for --verbose. */
  sources: Record<SettingName, SettingSource>;
  /** The project file used, if any. */
  projectFile: string | undefined;
  /** Its `"schema"`, as written (checked by src/schema); undefined when none is declared. */
  schema: unknown;
  /** Its `"rename"`, `"prefix"`, `"expand"` (resolved with the flags by env-rules.ts). */
  projectRules: ProjectRules;
}

export type SettingFlags = Partial<Record<Exclude<SettingName, "env">, string | undefined>> & {
  /** `--env`, given once or more (each value may be a comma list, as SECR_ENV). */
  env?: string | readonly string[] | undefined;
};

export const ENV_VARS: Record<SettingName, string> = {
  org: "SECR_ORG",
  project: "SECR_PROJECT",
  env: "SECR_ENV",
  apiUrl: "SECR_API_URL",
  token: "SECR_TOKEN",
  timeout: "SECR_TIMEOUT",
  caFile: "SECR_CA_FILE",
};

export const FLAGS: Record<SettingName, string> = {
  org: "--org",
  project: "--project",
  env: "--env",
  apiUrl: "--api-url",
  token: "--token",
  timeout: "--timeout",
  caFile: "--ca-file",
};

/** Keys of .secr.json that can hold each setting (token and timeout cannot). */
const FILE_KEYS: Partial<Record<SettingName, "org" | "project" | "env" | "apiUrl">> = {
  org: "org",
  project: "project",
  env: "env",
  apiUrl: "apiUrl",
};

export interface ResolveInput {
  flags: SettingFlags;
  env: Record<string, string | undefined>;
  projectFile: LoadedProjectFile | undefined;
  /** Which of org, project, env the command needs (default all three); one it does not need
   *  and nobody gave resolves to "" (`secrets promote` names no env, `admin projects` no project). */
  needs?: readonly ScopeSetting[];
  /** Whether several `--env` layers are accepted (run, export, explain, check); elsewhere 64. */
  layered?: boolean;
}

/** The settings that name what a command works on; the token is always needed. */
export type ScopeSetting = "org" | "project" | "env";
const ALL_SCOPE: readonly ScopeSetting[] = ["org", "project", "env"];

export type ResolveResult =
  | { ok: true; settings: Settings }
  /** `usage`: a flag value is wrong (exit 64); otherwise a configuration problem (exit 78). */
  | { ok: false; usage: boolean; message: string };

/** Where a missing setting can come from, e.g. `org (--org, SECR_ORG or "org" in .secr.json)`. */
export function describeMissing(name: SettingName): string {
  const fileKey = FILE_KEYS[name];
  return fileKey === undefined
    ? `${name} (${ENV_VARS[name]} or ${FLAGS[name]})`
    : `${name} (${FLAGS[name]}, ${ENV_VARS[name]} or "${fileKey}" in .secr.json)`;
}

export function resolveSettings({
  flags,
  env,
  projectFile,
  needs = ALL_SCOPE,
  layered = false,
}: ResolveInput): ResolveResult {
  const sources = {} as Record<SettingName, SettingSource>;
  const pick = (name: SettingName): string | undefined => {
    const flag = name === "env" ? envFlag(flags.env) : flags[name];
    if (flag !== undefined) {
      sources[name] = "flag";
      return flag;
    }
    const fromEnv = env[ENV_VARS[name]];
    if (fromEnv !== undefined && fromEnv !== "") {
      sources[name] = "environment";
      return fromEnv;
    }
    const fileKey = FILE_KEYS[name];
    const raw = fileKey === undefined ? undefined : projectFile?.data[fileKey];
    const fromFile = typeof raw === "string" || raw === undefined ? raw : raw.join(",");
    if (fromFile !== undefined) {
      sources[name] = "project file";
      return fromFile;
    }
    sources[name] = "default";
    return undefined;
  };

  const org = pick("org");
  const project = pick("project");
  const envName = pick("env");
  const apiUrlRaw = pick("apiUrl") ?? DEFAULT_API_URL;
  // The token is checked last so the message order matches the --help order.
  const token = pick("token");
  const timeoutRaw = pick("timeout");
  const caFile = pick("caFile");

  const problems: Array<{ usage: boolean; message: string }> = [];

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (timeoutRaw !== undefined) {
    const parsed = parseDuration(timeoutRaw);
    const where = sources.timeout === "flag" ? "--timeout" : ENV_VARS.timeout;
    const usage = sources.timeout === "flag";
    if (parsed instanceof Error) problems.push({ usage, message: `${where}: ${parsed.message}` });
    else if (parsed <= 0) problems.push({ usage, message: `${where} must be greater than 0` });
    // Node timers overflow past 2^31-1 ms (≈ 24.8 days) and would fire at once.
    else if (parsed > MAX_TIMEOUT_MS) problems.push({ usage, message: `${where} must be at most 24d` });
    else timeoutMs = parsed;
  }

  const apiUrl = checkApiUrl(apiUrlRaw);
  if (apiUrl instanceof Error) {
    const where =
      sources.apiUrl === "flag" ? "--api-url" : sources.apiUrl === "environment" ? ENV_VARS.apiUrl : projectFile?.path;
    problems.push({ usage: sources.apiUrl === "flag", message: `${where}: ${apiUrl.message}` });
  }

  // A wrong flag is reported first (usage, 64): fixing the command line comes before configuring.
  const usageProblem = problems.find((p) => p.usage);
  if (usageProblem) return { ok: false, ...usageProblem };
  const missing = ([...ALL_SCOPE.filter((name) => needs.includes(name)), "token"] as const).filter(
    (name) => ({ org, project, env: envName, token })[name] === undefined,
  );
  if (missing.length > 0) {
    return { ok: false, usage: false, message: `missing settings: ${missing.map(describeMissing).join("; ")}` };
  }
  if (problems[0]) return { ok: false, ...problems[0] };

  const layers = envName === undefined ? [] : parseLayers(splitEnvList(envName), project ?? "");
  if (layers instanceof Error)
    return {
      ok: false,
      usage: sources.env === "flag",
      message: `${envWhere(sources.env, projectFile)}: ${layers.message}`,
    };
  if (layers.length > 1 && !layered) {
    return {
      ok: false,
      usage: sources.env === "flag",
      message: `${envWhere(sources.env, projectFile)} names ${layers.length} environments; this command works on one (layers are for run, export, explain and check)`,
    };
  }
  const only = layers.length === 1 ? layers[0]! : undefined;

  return {
    ok: true,
    settings: {
      org: org ?? "",
      project: only?.project ?? project ?? "",
      env: only?.env ?? layers.map((layer) => layer.label).join("+"),
      layers,
      apiUrl: apiUrl as string,
      token: token!,
      timeoutMs,
      ...(caFile !== undefined ? { caFile } : {}),
      sources,
      projectFile: projectFile?.path,
      schema: projectFile?.data.schema,
      projectRules: {
        rename: projectFile?.data.rename,
        prefix: projectFile?.data.prefix,
        expand: projectFile?.data.expand,
      },
    },
  };
}

/**
 * An http(s) URL without credentials, trailing slash removed. A trailing `/v1` (copied from a
 * route in the API docs) is removed too: the client adds `/v1/...` itself.
 */
function checkApiUrl(raw: string): string | Error {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return new Error(`is not a URL (e.g. ${DEFAULT_API_URL})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return new Error(`must be an http(s) URL`);
  // Never echo the URL if it carries credentials.
  if (url.username !== "" || url.password !== "") return new Error("must not contain credentials; use SECR_TOKEN");
  return raw.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** `--env` as one string for pick(): the values given, joined as SECR_ENV writes them. */
function envFlag(flag: string | readonly string[] | undefined): string | undefined {
  if (flag === undefined || typeof flag === "string") return flag;
  return flag.length === 0 ? undefined : flag.join(",");
}

/** `shared,production` (SECR_ENV, or `--env` values) → each layer's spec, in order. */
export function splitEnvList(value: string): string[] {
  return value.split(",").map((part) => part.trim());
}

function envWhere(source: SettingSource, projectFile: LoadedProjectFile | undefined): string {
  return source === "flag"
    ? "--env"
    : source === "environment"
      ? ENV_VARS.env
      : `"env" in ${projectFile?.path ?? ".secr.json"}`;
}
