// Which command a command line selects (src/cli/dispatch.ts), with a nested command registered
// the way later subcommands will be.
import { describe, expect, it } from "vitest";
import { checkCommand } from "../../src/cli/commands/check/command.js";
import { explainCommand } from "../../src/cli/commands/explain/command.js";
import { exportCommand } from "../../src/cli/commands/export/command.js";
import { GLOBAL_OPTIONS } from "../../src/cli/options/globals.js";
import { runCommand } from "../../src/cli/commands/run/command.js";
import { serveCommand } from "../../src/cli/commands/serve/command.js";
import { defineCommand, Option } from "../../src/cli/define/index.js";
import { dispatch } from "../../src/cli/dispatch.js";

const secretsList = defineCommand({
  path: ["secrets", "list"],
  summary: "list keys",
  description: "List keys.",
  options: { json: Option.Boolean("--json", false, { description: "JSON" }), ...GLOBAL_OPTIONS },
});
const secretsGet = defineCommand({
  path: ["secrets", "get"],
  summary: "one value",
  description: "Get one.",
  options: { ...GLOBAL_OPTIONS },
  positionals: [{ name: "key", description: "key" }],
});
const nested = (path: string[]) =>
  defineCommand({ path, summary: path.join(" "), description: "Nested.", options: { ...GLOBAL_OPTIONS } });
const adminTokensList = nested(["admin", "tokens", "list"]);
const adminTokensRevoke = nested(["admin", "tokens", "revoke"]);
const adminEnvsList = nested(["admin", "envs", "list"]);
const ALL = [runCommand, checkCommand, exportCommand, explainCommand, serveCommand, secretsList, secretsGet];
const WITH_NESTED = [...ALL, adminTokensList, adminTokensRevoke, adminEnvsList];

const pick = (args: string[]) => dispatch(args, ALL);
function ran(args: string[]): { path: readonly string[]; args: string[] } {
  const decision = pick(args);
  if (decision.kind !== "run") throw new Error(`expected a command, got ${JSON.stringify(decision)}`);
  return { path: decision.command.path, args: decision.args };
}
function usage(args: string[]): string {
  const decision = pick(args);
  if (decision.kind !== "usage") throw new Error(`expected a usage error, got ${decision.kind}`);
  return decision.message;
}

describe("dispatch", () => {
  it("explain takes a run's whole command line, globals before its name too", () => {
    expect(ran(["--env", "dev", "explain", "--preserve-env", "--only", "A", "--", "node", "server.js"])).toEqual({
      path: ["explain"],
      args: ["--env", "dev", "--preserve-env", "--only", "A", "--", "node", "server.js"],
    });
    const parsed = explainCommand.parse([
      "--env",
      "dev",
      "--preserve-env",
      "--json",
      "--share-window",
      "0",
      "--",
      "node",
    ]);
    expect(parsed.options).toMatchObject({ env: ["dev"], preserveEnv: true, json: true, shareWindow: "0" });
    expect(() => explainCommand.parse(["--report-json", "x.json"])).toThrow(/unknown option --report-json/);
    expect(runCommand.parse(["--report-json", "r.json", "--", "x"]).options.reportJson).toBe("r.json");
  });

  it("global options before or after the command's name", () => {
    expect(ran(["--env", "dev", "check"])).toEqual({ path: ["check"], args: ["--env", "dev"] });
    expect(ran(["check", "--env", "dev"])).toEqual({ path: ["check"], args: ["--env", "dev"] });
    expect(ran(["-e", "dev", "-v", "--org=acme", "export", "-f", "json"])).toEqual({
      path: ["export"],
      args: ["-e", "dev", "-v", "--org=acme", "-f", "json"],
    });
    expect(ran(["-ve", "dev", "check"])).toEqual({ path: ["check"], args: ["-ve", "dev"] });
  });

  it("nested commands, found by path, globals before them too", () => {
    expect(ran(["--env", "dev", "secrets", "list", "--json"])).toEqual({
      path: ["secrets", "list"],
      args: ["--env", "dev", "--json"],
    });
    expect(ran(["secrets", "get", "API_KEY", "-e", "dev"])).toEqual({
      path: ["secrets", "get"],
      args: ["API_KEY", "-e", "dev"],
    });
    expect(usage(["secrets", "lst"])).toBe(
      'unknown command "secrets lst"; did you mean "secrets list"? (see secr-run secrets --help)',
    );
    expect(usage(["secrets"])).toBe("secr-run secrets needs a command: list, get (see secr-run secrets --help)");
    expect(pick(["secrets", "--help"])).toMatchObject({ kind: "group-help", prefix: ["secrets"] });
  });

  it("the default command: options only, then --, never parsed after it", () => {
    expect(ran(["--env", "x", "--", "check", "--help", "--version"])).toEqual({
      path: [],
      args: ["--env", "x", "--", "check", "--help", "--version"],
    });
    expect(ran(["--command", "node server.js"])).toEqual({ path: [], args: ["--command", "node server.js"] });
    expect(ran(["--preserve-env", "--", "env"])).toEqual({ path: [], args: ["--preserve-env", "--", "env"] });
    expect(ran(["--only", "A,B", "-c", "x"])).toEqual({ path: [], args: ["--only", "A,B", "-c", "x"] });
  });

  it("an unknown command: did you mean, or how to run a program (never echoing later words)", () => {
    expect(usage(["chek"])).toBe('unknown command "chek"; did you mean "check"?');
    expect(usage(["--env", "dev", "exprot", "-f", "json"])).toBe('unknown command "exprot"; did you mean "export"?');
    const message = usage(["--env", "dev", "node", "server.js", "--token", "secr_tok_value"]);
    expect(message).toBe(
      'unknown command "node" (commands: check, export, explain, serve, secrets, help); to run a program, put it after --: secr-run [options] -- node ...',
    );
    expect(message).not.toContain("secr_tok_value");
  });

  it("an unknown option before a stray word is reported by the default command's parser", () => {
    expect(ran(["--bogus", "x"])).toEqual({ path: [], args: ["--bogus", "x"] });
  });

  it("options before a command's name must be globals it takes", () => {
    expect(usage(["--env", "dev", "serve"])).toBe(
      "secr-run serve does not take the global option --env (see secr-run serve --help)",
    );
    expect(usage(["--token", "t0ken", "serve"])).toBe(
      "secr-run serve does not take the global option --token (see secr-run serve --help)",
    );
    expect(usage(["--only", "A", "check"])).toBe(
      "--only is not an option of secr-run check (see secr-run check --help)",
    );
  });

  it("`run` names the default command: the same arguments as without it, its help with help run / run --help", () => {
    expect(ran(["run", "--env", "dev", "--", "node", "server.js"])).toEqual({
      path: [],
      args: ["--env", "dev", "--", "node", "server.js"],
    });
    expect(ran(["--env", "dev", "run", "--only", "A", "--", "node"])).toEqual(
      ran(["--env", "dev", "--only", "A", "--", "node"]),
    );
    expect(ran(["run", "--", "node"])).toEqual({ path: [], args: ["--", "node"] });
    // After --, `run` is the program's word: never the command.
    expect(ran(["--", "run", "x"])).toEqual({ path: [], args: ["--", "run", "x"] });
    for (const args of [
      ["help", "run"],
      ["run", "--help"],
      ["run", "-h", "--", "node"],
      ["--env", "x", "help", "run"],
    ]) {
      const decision = pick(args);
      expect(decision.kind === "help" && decision.command, args.join(" ")).toBe(runCommand);
    }
    // A program named without -- after `run` is refused by the default command's own parser (64).
    const stray = ran(["run", "node", "server.js"]);
    expect(stray.path).toEqual([]);
    expect(() => runCommand.parse(stray.args)).toThrow(/--/);
  });

  it("--help, help <command>, --version", () => {
    expect(pick(["--help"])).toMatchObject({ kind: "help", command: runCommand });
    expect(pick(["check", "-h"])).toMatchObject({ kind: "help", command: checkCommand });
    expect(pick(["--env", "x", "-h", "--", "node"])).toMatchObject({ kind: "help", command: runCommand });
    expect(pick(["help", "export"])).toMatchObject({ kind: "help", command: exportCommand });
    expect(pick(["help", "secrets", "get"])).toMatchObject({ kind: "help", command: secretsGet });
    expect(pick(["help"])).toMatchObject({ kind: "help", command: runCommand });
    expect(pick(["serve", "--version"])).toEqual({ kind: "version" });
    expect(pick(["-V"])).toEqual({ kind: "version" });
    expect(ran(["--", "node", "--version"]).path).toEqual([]);
  });
});

describe("nested groups (admin tokens list)", () => {
  const nestedUsage = (args: string[]) => {
    const decision = dispatch(args, WITH_NESTED);
    if (decision.kind !== "usage") throw new Error(`expected a usage error, got ${decision.kind}`);
    return decision.message;
  };
  const nestedRun = (args: string[]) => {
    const decision = dispatch(args, WITH_NESTED);
    if (decision.kind !== "run") throw new Error(`expected a command, got ${decision.kind}`);
    return { path: decision.command.path };
  };
  it("a wrong word is suggested at its own level", () => {
    expect(nestedUsage(["admin", "tokens", "lst"])).toBe(
      'unknown command "admin tokens lst"; did you mean "admin tokens list"? (see secr-run admin tokens --help)',
    );
    expect(nestedUsage(["admin", "tokns", "list"])).toBe(
      'unknown command "admin tokns"; did you mean "admin tokens"? (see secr-run admin --help)',
    );
  });

  it("a group alone names its next words once each", () => {
    expect(nestedUsage(["admin"])).toBe("secr-run admin needs a command: tokens, envs (see secr-run admin --help)");
    expect(nestedUsage(["admin", "tokens"])).toBe(
      "secr-run admin tokens needs a command: list, revoke (see secr-run admin tokens --help)",
    );
    expect(nestedRun(["--env", "x", "admin", "tokens", "revoke"]).path).toEqual(["admin", "tokens", "revoke"]);
  });
});
