// The option layer (src/cli/define) and the declarations of run / check / export / serve.
import { describe, expect, expectTypeOf, it } from "vitest";
import { checkCommand } from "../../src/cli/commands/check/command.js";
import { exportCommand } from "../../src/cli/commands/export/command.js";
import { runCommand } from "../../src/cli/commands/run/command.js";
import { serveCommand } from "../../src/cli/commands/serve/command.js";
import { parseBytes } from "../../src/cli/commands/serve/agent.js";
import { startJitterMs } from "../../src/pipeline/start-jitter.js";
import { defineCommand, Option, splitAtDoubleDash } from "../../src/cli/define/index.js";
import { closest, editDistance } from "../../src/core/suggest.js";
import { createLogger } from "../../src/cli/log.js";
import { usageMessage } from "../helpers/usage.js";

const parseRun = (args: string[]) => runCommand.parse(args).options;

describe("splitAtDoubleDash", () => {
  it("splits at the first -- only", () => {
    expect(splitAtDoubleDash(["-e", "x", "--", "node", "--", "-e", "1"])).toEqual({
      before: ["-e", "x"],
      after: ["node", "--", "-e", "1"],
    });
    expect(splitAtDoubleDash(["-e", "x"])).toEqual({ before: ["-e", "x"], after: undefined });
  });
});

describe("a command defined with the option layer", () => {
  const demo = defineCommand({
    path: ["secrets", "list"],
    summary: "list keys",
    description: "List the keys of an environment.",
    options: {
      env: Option.String("--env", { alias: "e", hint: "SLUG", description: "environment" }),
      limit: Option.String("--limit", "100", { description: "page size" }),
      json: Option.Boolean("--json", false, { description: "JSON" }),
      color: Option.Boolean("--color", true, { description: "colours" }),
      offline: Option.Boolean("--offline", { description: "no network" }),
      only: Option.List("--only", { hint: "K1,K2", description: "keys" }),
      keep: Option.List("--keep", { bare: true, description: "keep" }),
      format: Option.Choice("--format", ["table", "json"] as const, "table", { description: "format" }),
      sort: Option.Choice("--sort", ["name", "age"] as const, { required: true, description: "order" }),
    },
    positionals: [
      { name: "prefix", description: "key prefix" },
      { name: "more", description: "more", optional: true },
    ],
  });

  it("types every value from its declaration", () => {
    const parsed = demo.parse(["--sort", "name", "P"]);
    expectTypeOf(parsed.options.env).toEqualTypeOf<string | undefined>();
    expectTypeOf(parsed.options.limit).toEqualTypeOf<string>();
    expectTypeOf(parsed.options.json).toEqualTypeOf<boolean>();
    expectTypeOf(parsed.options.offline).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(parsed.options.only).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(parsed.options.keep).toEqualTypeOf<string[] | true | undefined>();
    expectTypeOf(parsed.options.format).toEqualTypeOf<"table" | "json">();
    expectTypeOf(parsed.options.sort).toEqualTypeOf<"name" | "age">();
    expectTypeOf(parsed.args.prefix).toEqualTypeOf<string>();
    expectTypeOf(parsed.args.more).toEqualTypeOf<string | undefined>();
    // @ts-expect-error a typo in an option name does not compile
    void parsed.options.jsno;
  });

  it("parses values, defaults, lists, bare lists and positionals", () => {
    const parsed = demo.parse([
      "-e",
      "dev",
      "--no-color",
      "--only",
      "A,B",
      "--only",
      "C,A",
      "--keep",
      "--sort=age",
      "P",
      "Q",
    ]);
    expect(parsed.options).toEqual({
      env: "dev",
      limit: "100",
      json: false,
      color: false,
      offline: undefined,
      only: ["A", "B", "C"],
      keep: true,
      format: "table",
      sort: "age",
    });
    expect(parsed.args).toEqual({ prefix: "P", more: "Q" });
    expect(demo.parse(["--sort", "name", "--keep=X,Y", "P"]).options.keep).toEqual(["X", "Y"]);
    expect(demo.parse(["--sort", "name", "--offline", "P"]).options.offline).toBe(true);
  });

  it.each([
    [
      ["--sort", "name", "P", "--jsno"],
      "unknown option --jsno; did you mean --json? (see secr-run secrets list --help)",
    ],
    [
      ["--sort", "name", "P", "--colour"],
      "unknown option --colour; did you mean --color? (see secr-run secrets list --help)",
    ],
    [["--sort", "name", "P", "-x"], "unknown option -x (see secr-run secrets list --help)"],
    [
      ["--sort", "name", "P", "--env", "a", "-e", "b"],
      "--env given 2 times; give it once (see secr-run secrets list --help)",
    ],
    [["--sort", "name", "P", "--env="], "--env needs a value (SLUG) (see secr-run secrets list --help)"],
    [["--sort", "name", "P", "--env"], "--env needs a value (SLUG) (see secr-run secrets list --help)"],
    [
      ["--sort", "name", "P", "--no-env"],
      "--env takes a value; --no-env is not an option (see secr-run secrets list --help)",
    ],
    [["--sort", "name", "P", "--json=yes"], '--json takes no value (got "yes") (see secr-run secrets list --help)'],
    [["--sort", "nmae", "P"], "--sort must be one of name, age; did you mean name? (see secr-run secrets list --help)"],
    [["P"], "missing --sort name|age (see secr-run secrets list --help)"],
    [["--sort", "name"], "missing prefix (see secr-run secrets list --help)"],
    [["--sort", "name", "P", "Q", "R"], 'unexpected argument "R" (see secr-run secrets list --help)'],
    [
      ["--sort", "name", "P", "--only", ","],
      "--only needs a comma-separated list (K1,K2) (see secr-run secrets list --help)",
    ],
    [["--sort", "name", "P", "--", "x"], "secrets list runs no command; remove what follows --"],
  ])("%j is a usage error: %s", (args, message) => {
    expect(usageMessage(() => demo.parse(args))).toBe(message);
  });

  it("--help skips validation", () => {
    const withHelp = defineCommand({
      path: ["x"],
      summary: "",
      description: "",
      options: {
        help: Option.Boolean("--help", false, { alias: "h", description: "" }),
        n: Option.String("--n", { required: true, description: "" }),
      },
    });
    expect(withHelp.parse(["--bogus", "-h"]).help).toBe(true);
  });

  it("refuses a name declared twice", () => {
    expect(() =>
      defineCommand({
        path: ["x"],
        summary: "",
        description: "",
        options: {
          a: Option.Boolean("--a", { alias: "x", description: "" }),
          b: Option.Boolean("--b", { alias: "x", description: "" }),
        },
      }),
    ).toThrow(/declared twice/);
  });
});

describe("did you mean", () => {
  it("edit distance counts a swap as one", () => {
    expect(editDistance("chekc", "check")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
  it("suggests only close words, or a prefix", () => {
    expect(closest("chek", ["check", "export", "serve"])).toBe("check");
    expect(closest("node", ["check", "export", "serve"])).toBeUndefined();
    expect(closest("verb", ["verbose", "version"])).toBe("verbose");
  });
});

describe("run options", () => {
  it("keeps numeric-looking values as strings", () => {
    expect(parseRun(["-e", "1", "-p", "007", "-o", "1e3"])).toMatchObject({ env: ["1"], project: "007", org: "1e3" });
  });
  it("reads every run option", () => {
    const o = parseRun([
      "--env=prod",
      "--no-validate",
      "--only",
      "A,B",
      "--only",
      "C",
      "--skip-invalid",
      "--allow-name",
      "NODE_OPTIONS",
      "--preserve-env=K1,K2",
      "--pass-token",
      "-v",
      "--timeout",
      "5s",
      "--api-url",
      "http://127.0.0.1:1",
      "-c",
      "echo hi",
    ]);
    expect(o).toMatchObject({
      env: ["prod"],
      timeout: "5s",
      apiUrl: "http://127.0.0.1:1",
      validate: false,
      only: ["A", "B", "C"],
      skipInvalid: true,
      allowName: ["NODE_OPTIONS"],
      preserveEnv: ["K1", "K2"],
      passToken: true,
      verbose: true,
      command: "echo hi",
    });
  });
  it("--env is repeatable (layers, in order) and --rename, --prefix, --[no-]expand are read", () => {
    expect(parseRun(["-e", "a", "--env", "b", "--env=infra/c"]).env).toEqual(["a", "b", "infra/c"]);
    expect(parseRun(["--rename", "A=B", "--rename", "C=D,E", "--prefix", "APP_", "--expand"])).toMatchObject({
      rename: ["A=B", "C=D,E"],
      prefix: "APP_",
      expand: true,
    });
    expect(parseRun(["--no-expand"]).expand).toBe(false);
    expect(parseRun([]).expand).toBeUndefined();
  });
  it("--preserve-env alone keeps everything; absent keeps nothing", () => {
    expect(parseRun(["--preserve-env"]).preserveEnv).toBe(true);
    expect(parseRun(["--preserve-env", "-v"]).preserveEnv).toBe(true);
    expect(parseRun([]).preserveEnv).toBeUndefined();
    expect(parseRun([]).validate).toBe(true);
  });
  it("the words after -- are never parsed", () => {
    expect(runCommand.parse(["-e", "x", "--", "node", "--bogus", "--", "-e"]).rest).toEqual([
      "node",
      "--bogus",
      "--",
      "-e",
    ]);
  });
  it.each([[["--bogus"]], [["node", "app.js"]], [["--env"]], [["--env="]], [["--only", ","]], [["--rename", ""]]])(
    "%j is a usage error (64)",
    (args) => {
      usageMessage(() => parseRun(args));
    },
  );
  it("names the unknown option, without its value", () => {
    expect(usageMessage(() => parseRun(["--tokn=secr_cli_typo_value"]))).toBe(
      "unknown option --tokn; did you mean --token? (see secr-run --help)",
    );
  });
  it("reads the delivery options; --file and --template keep each value verbatim (commas, spaces)", () => {
    const o = parseRun([
      "--file",
      "A",
      "--file",
      "B= x,y.txt ",
      "--mount",
      "m.json",
      "--mount-format",
      "json",
      "--template",
      "a,b.tmpl:out",
      "--mask",
      "--mask-min-length",
      "8",
    ]);
    expect(o).toMatchObject({
      file: ["A", "B= x,y.txt "],
      mount: "m.json",
      mountFormat: "json",
      template: ["a,b.tmpl:out"],
      mask: true,
      maskMinLength: "8",
    });
    expect(parseRun([])).toMatchObject({ file: undefined, template: undefined, mask: false, mountFormat: undefined });
    expect(usageMessage(() => parseRun(["--file="]))).toContain("--file needs a value");
  });
  it("combined short flags and repeated booleans", () => {
    expect(parseRun(["-vq"])).toMatchObject({ verbose: true, quiet: true });
    expect(parseRun(["--validate", "--no-validate"]).validate).toBe(false);
  });
});

describe("export, check and serve options", () => {
  it("export requires a known --format", () => {
    expect(exportCommand.parse(["--format", "json"]).options.format).toBe("json");
    expect(usageMessage(() => exportCommand.parse([]))).toBe(
      "missing --format dotenv|json|shell (see secr-run export --help)",
    );
    expect(usageMessage(() => exportCommand.parse(["--format", "xml"]))).toBe(
      "--format must be one of dotenv, json, shell (see secr-run export --help)",
    );
    expect(exportCommand.parse(["--help"]).help).toBe(true);
  });
  it("check and export run no command", () => {
    expect(usageMessage(() => checkCommand.parse(["--", "x"]))).toBe("check runs no command; remove what follows --");
    expect(usageMessage(() => exportCommand.parse(["-f", "json", "--", "x"]))).toBe(
      "export runs no command; remove what follows --",
    );
  });
  it("serve has its own defaults", () => {
    expect(serveCommand.parse([]).options).toMatchObject({ host: "127.0.0.1", port: "4317", quiet: false });
    expect(usageMessage(() => serveCommand.parse(["--prot", "1"]))).toMatch(
      /^unknown option --prot; did you mean --port\?/,
    );
  });
  it("serve reads the agent and TLS options", () => {
    const args = [
      "--upstream",
      "https://api.secr.dev",
      "--revalidate",
      "10s",
      "--max-stale",
      "0",
      "--cache-max-bytes",
      "8MiB",
      "--ca-file",
      "ca.pem",
      "--tls-cert",
      "c.pem",
      "--tls-key",
      "k.pem",
      "--insecure-listen",
    ];
    expect(serveCommand.parse(args).options).toMatchObject({
      upstream: "https://api.secr.dev",
      revalidate: "10s",
      maxStale: "0",
      cacheMaxBytes: "8MiB",
      caFile: "ca.pem",
      tlsCert: "c.pem",
      tlsKey: "k.pem",
      insecureListen: true,
    });
    expect(serveCommand.parse([]).options).toMatchObject({ upstream: undefined, insecureListen: false });
  });
  it("run reads --start-jitter and --ca-file", () => {
    expect(runCommand.parse(["--start-jitter", "2s", "--ca-file", "ca.pem", "--", "x"]).options).toMatchObject({
      startJitter: "2s",
      caFile: "ca.pem",
    });
  });
});

describe("fleet option values", () => {
  it("--cache-max-bytes sizes and --start-jitter durations", () => {
    expect(parseBytes("64MiB")).toBe(64 * 1024 * 1024);
    expect(parseBytes("512KiB")).toBe(512 * 1024);
    expect(parseBytes("1000000")).toBe(1_000_000);
    expect(parseBytes("1.5GiB")).toBeInstanceOf(Error);
    expect(parseBytes("lots")).toBeInstanceOf(Error);
    expect(startJitterMs(undefined, {})).toBe(0);
    expect(startJitterMs("2s", { SECR_START_JITTER: "9s" })).toBe(2000);
    expect(startJitterMs(undefined, { SECR_START_JITTER: "500ms" })).toBe(500);
    expect(() => startJitterMs("11m", {})).toThrow(/at most 10m/);
    expect(() => startJitterMs(undefined, { SECR_START_JITTER: "soon" })).toThrow(/SECR_START_JITTER/);
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
