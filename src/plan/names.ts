// Which secrets may become environment variables of the child. Pure.
//
// - Invalid names (not [A-Za-z_][A-Za-z0-9_]*) and values with a NUL byte cannot be passed
//   through execve at all: fail, or skip with a warning under --skip-invalid.
// - Session basics (PATH, HOME, ...) belong to the machine, not the secrets store: skipped with a warning.
// - Names that make a program load code or trust another certificate (LD_PRELOAD, NODE_OPTIONS,
//   npm_config_*, ...) would let whoever can write a secret run code in every process secr-run
//   feeds: refused unless allowed by name.

import { escapeUnsafe } from "../client/redact.js";
import { dictionary } from "./dictionary.js";

export const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The basics of a login session; a secret must not replace them. */
export const RESERVED_NAMES: readonly string[] = ["PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD", "TERM"];

// Names that load code, or change which code or which trust roots a program uses. Sources, in
// order (see docs/design/security.md for the reasoning):
//  1. sudo's default "bad" list (plugins/sudoers/env.c, initial_badenv_table): what sudo strips
//     before running a command for another user, every platform's entries included.
//  2. glibc's UNSECURE_ENVVARS (sysdeps/generic/unsecvars.h): what the dynamic loader drops for
//     setuid programs. sudo's "check" list (TZ, LANG, LC_*, ...) is not here: those only pick data
//     files, and sudo keeps them too unless the value holds '/' or '%'.
//  3. Each runtime's and tool's own documented variables that run code or take command-line
//     options: Node/npm/yarn/pnpm, git, Python, Ruby, Perl, PHP, the JVM, .NET, Erlang/Elixir,
//     Lua, Go, Rust, OpenSSL, the shells, and the pagers and editors tools start for you.
// Matching is exact and case-sensitive (as execve and getenv are), except on Windows, and
// except where the consumer itself ignores case (npm's, pnpm's and yarn's configuration).

/** Exact names. */
export const CODE_LOADING_NAMES: readonly string[] = [
  // sudo env.c
  "IFS",
  "CDPATH",
  "LOCALDOMAIN",
  "RES_OPTIONS",
  "HOSTALIASES",
  "NLSPATH",
  "PATH_LOCALE",
  "SHLIB_PATH",
  "LIBPATH",
  "AUTHSTATE",
  "KRB5_KTNAME",
  "VAR_ACE",
  "USR_ACE",
  "DLC_ACE",
  "TERMINFO",
  "TERMINFO_DIRS",
  "TERMPATH",
  "TERMCAP",
  "ENV",
  "BASH_ENV",
  "PS4",
  "GLOBIGNORE",
  "BASHOPTS",
  "SHELLOPTS",
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "CLASSPATH",
  "PERLIO_DEBUG",
  "PERLLIB",
  "PERL5LIB",
  "PERL5OPT",
  "PERL5DB",
  "FPATH",
  "NULLCMD",
  "READNULLCMD",
  "ZDOTDIR",
  "TMPPREFIX",
  "PYTHONHOME",
  "PYTHONPATH",
  "PYTHONINSPECT",
  "PYTHONUSERBASE",
  "PYTHONSTARTUP",
  "RUBYLIB",
  "RUBYOPT",
  "NODE_OPTIONS",
  "NODE_PATH",
  "GIT_SSH_COMMAND",
  "GCONV_PATH",
  // glibc unsecvars.h (LD_* is a prefix below)
  "GETCONF_DIR",
  "GLIBC_TUNABLES",
  "LOCPATH",
  "MALLOC_TRACE",
  "NIS_PATH",
  "RESOLV_HOST_CONF",
  "TMPDIR",
  "TZDIR",
  "MALLOC_CHECK_",
  // Shells: startup files, hooks and prompts that are expanded (and so run $(...))
  "PROMPT_COMMAND",
  "PS0",
  "PS1",
  "PS2",
  "PS3",
  "INPUTRC",
  // Programs that tools start on your behalf (git log runs $PAGER; less runs $LESSOPEN)
  "PAGER",
  "MANPAGER",
  "EDITOR",
  "VISUAL",
  "LESSOPEN",
  "LESSCLOSE",
  "SSH_ASKPASS",
  "BROWSER",
  // Node.js
  "NODE_REPL_EXTERNAL_MODULE",
  "NODE_COMPILE_CACHE",
  "NODE_ICU_DATA",
  "NODE_EXTRA_CA_CERTS",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "COREPACK_NPM_REGISTRY",
  "COREPACK_HOME",
  // git (GIT_CONFIG* is a prefix below)
  "GIT_SSH",
  "GIT_ASKPASS",
  "GIT_EXEC_PATH",
  "GIT_PROXY_COMMAND",
  "GIT_EDITOR",
  "GIT_SEQUENCE_EDITOR",
  "GIT_PAGER",
  "GIT_EXTERNAL_DIFF",
  "GIT_TEMPLATE_DIR",
  "GIT_DIR",
  "GIT_COMMON_DIR",
  "GIT_WORK_TREE",
  "GIT_ALLOW_PROTOCOL",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
  "GIT_SSL_NO_VERIFY",
  // Python
  "PYTHONBREAKPOINT",
  "PYTHONWARNINGS",
  "PYTHONPYCACHEPREFIX",
  "PYTHONPLATLIBDIR",
  "PYTHONEXECUTABLE",
  "REQUESTS_CA_BUNDLE",
  // Ruby, Perl, PHP
  "RUBYSHELL",
  "RUBYPATH",
  "GEM_PATH",
  "GEM_HOME",
  "BUNDLE_GEMFILE",
  "PERL5SHELL",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  // JVM and its build tools (their *_OPTS reach `java` as options: -javaagent runs code)
  "JDK_JAVA_OPTIONS",
  "JAVA_OPTS",
  "MAVEN_OPTS",
  "GRADLE_OPTS",
  // .NET (CORECLR_* and COR_PROFILER* are prefixes below)
  "DOTNET_STARTUP_HOOKS",
  "DOTNET_ADDITIONAL_DEPS",
  "DOTNET_SHARED_STORE",
  "DOTNET_ROOT",
  "COR_ENABLE_PROFILING",
  // Erlang, Elixir
  "ERL_AFLAGS",
  "ERL_FLAGS",
  "ERL_ZFLAGS",
  "ERL_LIBS",
  "ELIXIR_ERL_OPTIONS",
  // Go, Rust
  "GOFLAGS",
  "RUSTC_WRAPPER",
  "RUSTC_WORKSPACE_WRAPPER",
  "RUSTFLAGS",
  "RUSTDOCFLAGS",
  // OpenSSL and TLS trust: a config file loads engines and providers (shared objects); a CA file
  // lets a third party read and change TLS traffic; a key log file hands it the session keys.
  "OPENSSL_CONF",
  "OPENSSL_CONF_INCLUDE",
  "OPENSSL_ENGINES",
  "OPENSSL_MODULES",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "CURL_CA_BUNDLE",
  "SSLKEYLOGFILE",
];

/** Prefixes: the dynamic loaders (glibc and Solaris LD_*, IRIX _RLD*, AIX LDR_*, macOS DYLD_*), git's
 *  configuration from the environment (GIT_CONFIG, GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS),
 *  bash's exported functions, .NET profilers, Lua's init code and search paths (versioned variants
 *  such as LUA_INIT_5_4), Kerberos configuration. */
export const CODE_LOADING_PREFIXES: readonly string[] = [
  "LD_",
  "DYLD_",
  "_RLD",
  "LDR_",
  "GIT_CONFIG",
  "BASH_FUNC_",
  "CORECLR_",
  "COR_PROFILER",
  "LUA_INIT",
  "LUA_PATH",
  "LUA_CPATH",
  "KRB5_CONFIG",
];

/** Prefixes whose consumer reads them whatever the case: every npm and pnpm setting can come from
 *  the environment (`npm_config_node_options` becomes NODE_OPTIONS of every npm script,
 *  `npm_config_script_shell` picks the shell that runs them), lower- or upper-case alike. */
export const CODE_LOADING_PREFIXES_ANY_CASE: readonly string[] = ["npm_config_", "pnpm_config_"];

/** Exact names whose consumer reads them whatever the case: yarn's settings (yarnPath runs a file). */
export const CODE_LOADING_NAMES_ANY_CASE: readonly string[] = ["yarn_yarn_path", "yarn_rc_filename", "yarn_plugins"];

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

const NAMES = new Set(CODE_LOADING_NAMES);
const NAMES_ANY_CASE = new Set(CODE_LOADING_NAMES_ANY_CASE.map((n) => n.toUpperCase()));
const PREFIXES_ANY_CASE = CODE_LOADING_PREFIXES_ANY_CASE.map((p) => p.toUpperCase());

export function isCodeLoadingName(name: string, platform: NodeJS.Platform = process.platform): boolean {
  const n = normalise(name, platform);
  if (NAMES.has(n) || CODE_LOADING_PREFIXES.some((prefix) => n.startsWith(prefix))) return true;
  const upper = name.toUpperCase();
  return NAMES_ANY_CASE.has(upper) || PREFIXES_ANY_CASE.some((prefix) => upper.startsWith(prefix));
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
  const result: NameRuleResult = {
    accepted: dictionary(),
    invalidNames: [],
    nulValues: [],
    oversized: [],
    reserved: [],
    refused: [],
    fatal: false,
  };
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
    !options.skipInvalid &&
    (result.invalidNames.length > 0 ||
      result.nulValues.length > 0 ||
      result.oversized.length > 0 ||
      result.refused.length > 0);
  return result;
}

/** A name for a message: invalid names may hold anything (newlines, control characters). */
export function printableName(name: string): string {
  // JSON.stringify escapes C0 controls but leaves C1 and bidirectional controls raw.
  return VALID_NAME.test(name) ? name : escapeUnsafe(JSON.stringify(name));
}
