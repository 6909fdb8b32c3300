import { describe, expect, it } from "vitest";
import { applyNameRules, isCodeLoadingName, isReservedName, isValidName, printableName } from "../../src/plan/names.js";

describe("name predicates", () => {
  it.each(["A", "_", "_X1", "DATABASE_URL", "lower_case", "a1"])("%s is a valid name", (name) =>
    expect(isValidName(name)).toBe(true),
  );
  it.each(["", "1ABC", "A-B", "A.B", "A B", "A=B", "Ä", "A\nB", "A\0"])("%j is not a valid name", (name) =>
    expect(isValidName(name)).toBe(false),
  );

  it.each(["PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD", "TERM"])("%s is reserved", (name) =>
    expect(isReservedName(name, "linux")).toBe(true),
  );
  it("compares reserved names case-sensitively on Linux, insensitively on Windows", () => {
    expect(isReservedName("path", "linux")).toBe(false);
    expect(isReservedName("Path", "win32")).toBe(true);
  });

  it.each([
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "DYLD_INSERT_LIBRARIES",
    "NODE_OPTIONS",
    "PYTHONPATH",
    "BASH_ENV",
    "JAVA_TOOL_OPTIONS",
    "PERL5OPT",
    "RUBYOPT",
  ])("%s loads code", (name) => expect(isCodeLoadingName(name, "linux")).toBe(true));
  it.each([
    // named by the attacker's report
    "npm_config_node_options",
    "NPM_CONFIG_NODE_OPTIONS",
    "npm_config_script_shell",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_KEY_0",
    "GIT_CONFIG_VALUE_0",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_GLOBAL",
    "OPENSSL_CONF",
    "OPENSSL_ENGINES",
    "OPENSSL_MODULES",
    "LUA_INIT",
    "LUA_INIT_5_4",
    "ERL_AFLAGS",
    "ERL_FLAGS",
    "ERL_ZFLAGS",
    "DOTNET_STARTUP_HOOKS",
    "CORECLR_PROFILER_PATH",
    "COR_PROFILER",
    "COR_PROFILER_PATH",
    "GLIBC_TUNABLES",
    "SSLKEYLOGFILE",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "GIT_EXEC_PATH",
    "GIT_PROXY_COMMAND",
    "PYTHONBREAKPOINT",
    "PERL5DB",
    "NODE_EXTRA_CA_CERTS",
    "BASH_FUNC_ls",
    "PROMPT_COMMAND",
    "PS4",
    "IFS",
    "SHELLOPTS",
    // sudo's bad list and glibc's unsecure list
    "_RLD_LIST",
    "LDR_PRELOAD",
    "TERMINFO",
    "GLOBIGNORE",
    "ZDOTDIR",
    "NLSPATH",
    "HOSTALIASES",
    "KRB5_CONFIG",
    "GETCONF_DIR",
    "MALLOC_TRACE",
    // consumers that ignore case
    "pnpm_config_node_options",
    "YARN_YARN_PATH",
    "yarn_yarn_path",
  ])("%s loads code or changes trust", (name) => expect(isCodeLoadingName(name, "linux")).toBe(true));
  it("matches case-sensitively except where the consumer ignores case", () => {
    expect(isCodeLoadingName("node_options", "linux")).toBe(false);
    expect(isCodeLoadingName("git_config_count", "linux")).toBe(false);
    expect(isCodeLoadingName("node_options", "win32")).toBe(true);
    expect(isCodeLoadingName("nPm_CoNfIg_registry", "linux")).toBe(true);
  });
  it.each([
    "DATABASE_URL",
    "NODE_ENV",
    "OLD_PRELOAD",
    "LDAP_URL",
    "NPM_TOKEN",
    "GIT_AUTHOR_NAME",
    "LUA_VERSION",
    "API_KEY",
  ])("%s does not load code", (name) => expect(isCodeLoadingName(name, "linux")).toBe(false));

  it("prints odd names quoted so they cannot forge output", () => {
    expect(printableName("GOOD")).toBe("GOOD");
    expect(printableName("BAD\nsecr-run: fake")).toBe('"BAD\\nsecr-run: fake"');
  });
});

describe("applyNameRules", () => {
  const secrets = {
    GOOD: "1",
    "BAD-NAME": "2",
    NUL_VALUE: "a\0b",
    PATH: "/evil",
    NODE_OPTIONS: "--require /tmp/x.js",
    LD_PRELOAD: "/tmp/x.so",
  };

  it("sorts every secret into exactly one bucket and fails on invalid, NUL and refused", () => {
    const result = applyNameRules(secrets, { allowNames: [], skipInvalid: false, platform: "linux" });
    expect(result).toEqual({
      accepted: { GOOD: "1" },
      invalidNames: ["BAD-NAME"],
      nulValues: ["NUL_VALUE"],
      oversized: [],
      reserved: ["PATH"],
      refused: ["NODE_OPTIONS", "LD_PRELOAD"],
      fatal: true,
    });
  });

  it("a value too large for one environment string on Linux cannot be injected", () => {
    const big = "x".repeat(131_072 - "BIG=".length - 1);
    expect(applyNameRules({ BIG: big }, { allowNames: [], skipInvalid: false, platform: "linux" }).fatal).toBe(false);
    const result = applyNameRules({ BIG: `${big}x` }, { allowNames: [], skipInvalid: false, platform: "linux" });
    expect([result.fatal, result.oversized]).toEqual([true, ["BIG"]]);
    expect(applyNameRules({ BIG: `${big}x` }, { allowNames: [], skipInvalid: false, platform: "darwin" }).fatal).toBe(
      false,
    );
  });

  it("--skip-invalid turns the failure into skips", () => {
    const result = applyNameRules(secrets, { allowNames: [], skipInvalid: true, platform: "linux" });
    expect(result.fatal).toBe(false);
    expect(result.accepted).toEqual({ GOOD: "1" });
  });

  it("--allow-name lets a named code-loading or reserved secret through, and only that one", () => {
    const result = applyNameRules(secrets, {
      allowNames: ["NODE_OPTIONS", "PATH"],
      skipInvalid: true,
      platform: "linux",
    });
    expect(result.accepted).toEqual({ GOOD: "1", NODE_OPTIONS: "--require /tmp/x.js", PATH: "/evil" });
    expect(result.refused).toEqual(["LD_PRELOAD"]);
  });

  it("reserved names alone are a warning, not a failure", () => {
    const result = applyNameRules({ HOME: "/x", A: "1" }, { allowNames: [], skipInvalid: false, platform: "linux" });
    expect(result.fatal).toBe(false);
    expect(result.reserved).toEqual(["HOME"]);
  });

  it("--allow-name does not make an invalid name or a NUL value injectable", () => {
    const result = applyNameRules(
      { "A-B": "1", N: "\0" },
      { allowNames: ["A-B", "N"], skipInvalid: false, platform: "linux" },
    );
    expect(result.fatal).toBe(true);
    expect(result.accepted).toEqual({});
  });
});
