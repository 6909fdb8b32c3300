import { describe, expect, it } from "vitest";
import { Failure } from "../../src/cli/failure.js";
import { createLogger } from "../../src/cli/log.js";
import { parseExportOptions, parseRunOptions, splitAtDoubleDash } from "../../src/cli/options.js";

describe("splitAtDoubleDash", () => {
  it("splits at the first -- only", () => {
    expect(splitAtDoubleDash(["-e", "x", "--", "node", "--", "-e", "1"])).toEqual({ before: ["-e", "x"], after: ["node", "--", "-e", "1"] });
    expect(splitAtDoubleDash(["-e", "x"])).toEqual({ before: ["-e", "x"], after: undefined });
  });
});

describe("parseRunOptions", () => {
  it("keeps numeric-looking values as strings", () => {
    expect(parseRunOptions(["-e", "1", "-p", "007", "-o", "1e3"]).flags).toMatchObject({ env: "1", project: "007", org: "1e3" });
  });
  it("reads every run option", () => {
    const o = parseRunOptions(["--env=prod", "--no-validate", "--only", "A,B", "--only", "C", "--skip-invalid", "--allow-name", "NODE_OPTIONS", "--preserve-env=K1,K2", "--pass-token", "-v", "--timeout", "5s", "--api-url", "http://127.0.0.1:1", "-c", "echo hi"]);
    expect(o).toMatchObject({
      flags: { env: "prod", timeout: "5s", apiUrl: "http://127.0.0.1:1" },
      validate: false,
      only: ["A", "B", "C"],
      skipInvalid: true,
      allowNames: ["NODE_OPTIONS"],
      preserveEnv: ["K1", "K2"],
      passToken: true,
      verbose: true,
      command: "echo hi",
    });
  });
  it("--preserve-env alone keeps everything; absent keeps nothing", () => {
    expect(parseRunOptions(["--preserve-env"]).preserveEnv).toBe(true);
    expect(parseRunOptions(["--preserve-env", "-v"]).preserveEnv).toBe(true);
    expect(parseRunOptions([]).preserveEnv).toBe(false);
    expect(parseRunOptions([]).validate).toBe(true);
  });
  it.each([[["--bogus"]], [["node", "app.js"]], [["--env"]], [["--env="]], [["--only", ","]]])("%j is a usage error (64)", (args) => {
    let caught: unknown;
    try {
      parseRunOptions(args);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Failure);
    expect((caught as Failure).exitCode).toBe(64);
  });
});

describe("parseExportOptions", () => {
  it("requires a known --format", () => {
    expect(parseExportOptions(["--format", "json"]).format).toBe("json");
    expect(() => parseExportOptions([])).toThrow(/--format/);
    expect(() => parseExportOptions(["--format", "xml"])).toThrow(Failure);
  });
});

describe("logger", () => {
  it("one prefixed line per message; warnings dropped by --quiet; debug only with --verbose; secrets masked", () => {
    const lines: string[] = [];
    const log = createLogger({ quiet: true, verbose: false, write: (l) => lines.push(l) });
    log.redact(["s3cr3t-value"]);
    log.warn("w");
    log.debug("d");
    log.error("bad s3cr3t-value\nsecond line");
    expect(lines).toEqual(["secr-run: bad [redacted] second line\n"]);
    const verbose = createLogger({ verbose: true, write: (l) => lines.push(l) });
    verbose.debug("timing");
    verbose.warn("careful");
    expect(lines.slice(1)).toEqual(["secr-run: timing\n", "secr-run: warning: careful\n"]);
  });
});

describe("parser edge cases", () => {
  const usageMessage = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(Failure);
      expect((error as Failure).exitCode).toBe(64);
      return (error as Failure).message;
    }
    throw new Error("expected a usage error");
  };

  it("names the unknown option, without its value", () => {
    expect(usageMessage(() => parseRunOptions(["--tokn=secr_cli_typo_value"]))).toBe("unknown option --tokn (see secr-run --help)");
  });
  it("combined short flags and repeated booleans", () => {
    expect(parseRunOptions(["-vq"])).toMatchObject({ verbose: true, quiet: true });
    expect(parseRunOptions(["--validate", "--no-validate"]).validate).toBe(false);
  });
  it("an invalid --format names the choices", () => {
    expect(usageMessage(() => parseExportOptions(["--format", "xml"]))).toBe("--format must be one of dotenv, json, shell (see secr-run export --help)");
  });
  it("--help short-circuits validation", () => {
    expect(parseExportOptions(["--help"]).help).toBe(true);
    expect(parseRunOptions(["--bogus", "-h"]).help).toBe(true);
  });
});
