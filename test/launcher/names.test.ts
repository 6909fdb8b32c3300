import { describe, expect, it } from "vitest";
import { applyNameRules, isCodeLoadingName, isReservedName, isValidName, printableName } from "../../src/launcher/names.js";

describe("name predicates", () => {
  it.each(["A", "_", "_X1", "DATABASE_URL", "lower_case", "a1"])("%s is a valid name", (name) => expect(isValidName(name)).toBe(true));
  it.each(["", "1ABC", "A-B", "A.B", "A B", "A=B", "Ä", "A\nB", "A\0"])("%j is not a valid name", (name) => expect(isValidName(name)).toBe(false));

  it.each(["PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD", "TERM"])("%s is reserved", (name) => expect(isReservedName(name, "linux")).toBe(true));
  it("compares reserved names case-sensitively on Linux, insensitively on Windows", () => {
    expect(isReservedName("path", "linux")).toBe(false);
    expect(isReservedName("Path", "win32")).toBe(true);
  });

  it.each(["LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "DYLD_INSERT_LIBRARIES", "NODE_OPTIONS", "PYTHONPATH", "BASH_ENV", "JAVA_TOOL_OPTIONS", "PERL5OPT", "RUBYOPT"])(
    "%s loads code",
    (name) => expect(isCodeLoadingName(name, "linux")).toBe(true),
  );
  it.each(["DATABASE_URL", "NODE_ENV", "OLD_PRELOAD", "LDAP_URL"])("%s does not load code", (name) => expect(isCodeLoadingName(name, "linux")).toBe(false));

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
    expect(applyNameRules({ BIG: `${big}x` }, { allowNames: [], skipInvalid: false, platform: "darwin" }).fatal).toBe(false);
  });

  it("--skip-invalid turns the failure into skips", () => {
    const result = applyNameRules(secrets, { allowNames: [], skipInvalid: true, platform: "linux" });
    expect(result.fatal).toBe(false);
    expect(result.accepted).toEqual({ GOOD: "1" });
  });

  it("--allow-name lets a named code-loading or reserved secret through, and only that one", () => {
    const result = applyNameRules(secrets, { allowNames: ["NODE_OPTIONS", "PATH"], skipInvalid: true, platform: "linux" });
    expect(result.accepted).toEqual({ GOOD: "1", NODE_OPTIONS: "--require /tmp/x.js", PATH: "/evil" });
    expect(result.refused).toEqual(["LD_PRELOAD"]);
  });

  it("reserved names alone are a warning, not a failure", () => {
    const result = applyNameRules({ HOME: "/x", A: "1" }, { allowNames: [], skipInvalid: false, platform: "linux" });
    expect(result.fatal).toBe(false);
    expect(result.reserved).toEqual(["HOME"]);
  });

  it("--allow-name does not make an invalid name or a NUL value injectable", () => {
    const result = applyNameRules({ "A-B": "1", N: "\0" }, { allowNames: ["A-B", "N"], skipInvalid: false, platform: "linux" });
    expect(result.fatal).toBe(true);
    expect(result.accepted).toEqual({});
  });
});
