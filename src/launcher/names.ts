// Which secrets may become environment variables of the child. Pure.
//
// - Invalid names (not [A-Za-z_][A-Za-z0-9_]*) and values with a NUL byte cannot be passed
//   through execve at all: fail, or skip with a warning under --skip-invalid.
// - Session basics (PATH, HOME, ...) belong to the machine, not the secrets store: skipped with a warning.
// - Names that make a program load code (LD_PRELOAD, NODE_OPTIONS, ...) would let whoever can
//   write a secret run code in every process secr-run feeds: refused unless allowed by name.

export const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The basics of a login session; a secret must not replace them. */
export const RESERVED_NAMES: readonly string[] = ["PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD", "TERM"];

/** Exact names that load code or change what code runs in common runtimes and shells. */
export const CODE_LOADING_NAMES: readonly string[] = [
  // Node.js
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  // Python
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PYTHONHOME",
  "PYTHONINSPECT",
  "PYTHONUSERBASE",
  // Ruby, Perl, PHP
  "RUBYOPT",
  "RUBYLIB",
  "PERL5OPT",
  "PERL5LIB",
  "PERLLIB",
  "PERL5DB",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  // JVM
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "CLASSPATH",
  // Shells: startup files and hooks run by non-interactive and interactive shells
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PROMPT_COMMAND",
  "PS4",
  "IFS",
  // glibc
  "GCONV_PATH",
  "LOCPATH",
  "MALLOC_CHECK_",
];

/** Prefixes of dynamic-loader variables (glibc LD_*, macOS DYLD_*). */
export const CODE_LOADING_PREFIXES: readonly string[] = ["LD_", "DYLD_"];

/** Linux refuses any single environment string (`NAME=value` and its NUL) longer than 32 pages
 *  (MAX_ARG_STRLEN) with E2BIG: the exec would fail, so such a secret cannot be injected. */
export const MAX_ENV_STRING_BYTES = 131_072;

export function fitsInEnvironment(name: string, value: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== "linux") return true;
  return Buffer.byteLength(name) + Buffer.byteLength(value) + 2 <= MAX_ENV_STRING_BYTES;
}

export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** Windows treats environment names case-insensitively, so `path` would replace PATH there. */
function normalise(name: string, platform: NodeJS.Platform): string {
  return platform === "win32" ? name.toUpperCase() : name;
}

export function isReservedName(name: string, platform: NodeJS.Platform = process.platform): boolean {
  return RESERVED_NAMES.includes(normalise(name, platform));
}

export function isCodeLoadingName(name: string, platform: NodeJS.Platform = process.platform): boolean {
  const n = normalise(name, platform);
  return CODE_LOADING_NAMES.includes(n) || CODE_LOADING_PREFIXES.some((prefix) => n.startsWith(prefix));
}

export interface NameRuleOptions {
  /** Names the user explicitly allowed (--allow-name): code-loading or reserved names to inject anyway. */
  allowNames: readonly string[];
  /** Skip invalid names, NUL values and refused names with a warning instead of failing (--skip-invalid). */
  skipInvalid: boolean;
  platform?: NodeJS.Platform;
}

export interface NameRuleResult {
  /** What may be injected. */
  accepted: Record<string, string>;
  /** Not valid environment variable names. */
  invalidNames: string[];
  /** Valid names whose value holds a NUL byte. */
  nulValues: string[];
  /** Values too large for one environment string (Linux: 128 KiB). */
  oversized: string[];
  /** Session basics, never injected unless allowed by name. */
  reserved: string[];
  /** Code-loading names not allowed by name. */
  refused: string[];
  /** True when the run must stop (exit 65): something cannot be injected and --skip-invalid is off. */
  fatal: boolean;
}

export function applyNameRules(secrets: Readonly<Record<string, string>>, options: NameRuleOptions): NameRuleResult {
  const platform = options.platform ?? process.platform;
  const allowed = new Set(options.allowNames.map((name) => normalise(name, platform)));
  const result: NameRuleResult = { accepted: {}, invalidNames: [], nulValues: [], oversized: [], reserved: [], refused: [], fatal: false };
  for (const [name, value] of Object.entries(secrets)) {
    if (!isValidName(name)) result.invalidNames.push(name);
    else if (value.includes("\0")) result.nulValues.push(name);
    else if (!fitsInEnvironment(name, value, platform)) result.oversized.push(name);
    else if (allowed.has(normalise(name, platform))) result.accepted[name] = value;
    else if (isReservedName(name, platform)) result.reserved.push(name);
    else if (isCodeLoadingName(name, platform)) result.refused.push(name);
    else result.accepted[name] = value;
  }
  result.fatal =
    !options.skipInvalid && (result.invalidNames.length > 0 || result.nulValues.length > 0 || result.oversized.length > 0 || result.refused.length > 0);
  return result;
}

/** A name for a message: invalid names may hold anything (newlines, control characters). */
export function printableName(name: string): string {
  return VALID_NAME.test(name) ? name : JSON.stringify(name);
}
