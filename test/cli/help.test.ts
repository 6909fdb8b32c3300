// --help and --version: correct, and light (no client, undici or execa loaded on these paths).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { CommandDefinition } from "../../src/cli/define/command.js";
import { cleanEnv, CLI, NODE, runCli } from "../helpers/cli.js";
import { recordFile } from "../helpers/record.js";

const TRACE = fileURLToPath(new URL("./fixtures/trace-modules.mjs", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/** Files of our bundle that a command loaded, and whether any holds execa, undici or the client. */
async function loadedBundleFiles(
  args: string[],
): Promise<{ files: string[]; heavy: string[]; exitCode: number | undefined; stdout: string }> {
  const trace = recordFile();
  const result = await execa(NODE, ["--import", TRACE, CLI, ...args], {
    reject: false,
    extendEnv: false,
    env: cleanEnv({ TRACE_MODULES_TO: trace }),
  });
  const files = existsSync(trace)
    ? readFileSync(trace, "utf8")
        .split("\n")
        .filter((url) => url.includes("/dist/bundle/"))
        .map((url) => fileURLToPath(url))
    : [];
  // `run` itself is dist/bundle/run.cjs, evaluated through V8's code cache (src/cli/startup/code-cache.ts);
  // the trace records what vm.Script compiles too.
  const markers = ["forceKillAfterDelay", "EnvHttpProxyAgent", "llhttp"];
  const heavy = [...new Set(files)].filter((file) => markers.some((m) => readFileSync(file, "utf8").includes(m)));
  return { files, heavy, exitCode: result.exitCode, stdout: String(result.stdout) };
}

describe("--help", () => {
  it("documents usage, options, env vars and the exit code table on stdout, exit 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    for (const text of [
      "secr-run [options] -- <command> [args...]",
      "--env",
      "--only",
      "--preserve-env",
      "--allow-name",
      "SECR_TOKEN",
      ".secr.json",
      "Exit codes:",
    ]) {
      expect(result.stdout).toContain(text);
    }
    for (const code of [64, 65, 69, 77, 78, 126, 127])
      expect(result.stdout).toMatch(new RegExp(`^\\s+${code}\\s`, "m"));
  });

  it("-h after options, `help`, and per-command help all work", async () => {
    expect((await runCli(["--env", "x", "-h", "--", "node"])).stdout).toContain("Exit codes:");
    expect((await runCli(["help", "export"])).stdout).toContain("--format");
    expect((await runCli(["check", "--help"])).stdout).toContain("--json");
  });

  it("`help run` and `run --help` print the run's help; `run [options] -- cmd` is the default command", async () => {
    const root = (await runCli(["--help"])).stdout;
    for (const args of [
      ["help", "run"],
      ["run", "--help"],
    ]) {
      const result = await runCli(args);
      expect(result.exitCode, args.join(" ")).toBe(0);
      expect(result.stdout, args.join(" ")).toBe(root);
    }
    // The settings are checked as for `secr-run -- node` (78), not refused as a program named `run` (64).
    const ran = await runCli(["run", "--", "node", "-e", "0"], { env: {} });
    expect(ran.exitCode).toBe(78);
    expect(ran.stderr).toBe((await runCli(["--", "node", "-e", "0"], { env: {} })).stderr);
  });

  it("a --help after -- belongs to the child, not to secr-run", async () => {
    const result = await runCli(["--", "node", "--help"], { env: {} });
    expect(result.exitCode).toBe(78); // settings are checked, help is not printed
    expect(result.stdout).toBe("");
  });

  it("loads neither the client, undici nor execa", async () => {
    const { files, heavy, exitCode, stdout } = await loadedBundleFiles(["--help"]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain("Exit codes:");
    expect(files.length).toBeGreaterThan(0); // the trace works
    expect(heavy).toEqual([]);
  });
});

describe("help of every command", () => {
  it.each([
    [["--help"]],
    [["check", "--help"]],
    [["help", "export"]],
    [["serve", "--help"]],
    [["help", "serve"]],
    [["--env", "x", "check", "-h"]],
  ])("%j: same sections, 80 columns off a terminal", async (args) => {
    const result = await runCli(args);
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
    const headings = result.stdout
      .split("\n")
      .filter((line) => /^[A-Z][A-Za-z ]*:( |$)/.test(line))
      .map((line) => line.split(":")[0]);
    expect(headings[0]).toBe("Usage");
    expect(headings).toEqual(expect.arrayContaining(["Options", "Examples", "Exit codes"]));
    expect(headings.indexOf("Options")).toBeLessThan(headings.indexOf("Examples"));
    expect(headings.indexOf("Examples")).toBeLessThan(headings.indexOf("Exit codes"));
    for (const line of result.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("the top-level help lists the commands; global options are grouped", async () => {
    const { stdout } = await runCli(["--help"]);
    expect(stdout).toMatch(/^Commands:\n {2}secr-run check +validate/m);
    expect(stdout).toMatch(/^ {2}secr-run admin tokens create +create a token/m);
    expect(stdout).toMatch(/^Global options:\n {2}-e, --env SLUG/m);
    expect(stdout).toContain("--[no-]validate");
  });

  it("is laid out by yargs, which only --help loads", async () => {
    // A message of yargs' own: in the bundle only where yargs is.
    const marker = "Not enough non-option arguments";
    const holdsYargs = (files: string[]) =>
      [...new Set(files)].filter((file) => readFileSync(file, "utf8").includes(marker));
    const help = await loadedBundleFiles(["check", "--help"]);
    expect(help.exitCode).toBe(0);
    expect(holdsYargs(help.files)).toHaveLength(1);
    for (const args of [["--version"], ["check", "--bogus"], ["secrets"]])
      expect(holdsYargs((await loadedBundleFiles(args)).files), args.join(" ")).toEqual([]);
  });

  it("every declared command: Usage first, Options before Examples before Exit codes, 80 columns", async () => {
    const { helpText } = await import("../../src/cli/help.js");
    const dir = new URL("../../src/cli/commands/", import.meta.url);
    const modules = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${entry.name}/command.ts`);
    const commands = (
      await Promise.all(modules.map((name) => import(new URL(name, dir).href) as Promise<Record<string, unknown>>))
    )
      .flatMap((module) => Object.values(module))
      .filter(
        (value): value is CommandDefinition =>
          typeof value === "object" && value !== null && "displayName" in value && "parse" in value,
      );
    expect(commands.length).toBeGreaterThan(20);
    for (const command of commands) {
      const text = await helpText(command, commands, 80);
      const headings = text
        .split("\n")
        .filter((line) => /^(Usage|Commands|Options|Global options|Examples|Exit codes):/.test(line))
        .map((line) => line.split(":")[0]);
      expect(headings[0], command.displayName).toBe("Usage");
      const order = ["Usage", "Commands", "Options", "Global options", "Examples", "Exit codes"].filter((h) =>
        headings.includes(h),
      );
      expect(
        headings.filter((h, i) => headings.indexOf(h) === i),
        command.displayName,
      ).toEqual(order);
      if (command.exitCodes?.length) expect(headings, command.displayName).toContain("Exit codes");
      for (const line of text.split("\n"))
        expect(line.length, `${command.displayName}: ${line}`).toBeLessThanOrEqual(80);
    }
  });

  it("follows the width it is given (the terminal's), 80 off a terminal", async () => {
    const { helpText, helpWidth } = await import("../../src/cli/help.js");
    const { runCommand } = await import("../../src/cli/commands/run/command.js");
    expect([
      helpWidth({ isTTY: false, columns: 200 }),
      helpWidth({ isTTY: true, columns: 132 }),
      helpWidth({ isTTY: true }),
    ]).toEqual([80, 132, 80]);
    const lines = (await helpText(runCommand, [runCommand], 132)).split("\n");
    expect(Math.max(...lines.map((line) => line.length))).toBeGreaterThan(80);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(132);
  });

  it.each([
    [["secrets", "--help"]],
    [["help", "secrets"]],
    [["help", "admin", "tokens"]],
    [["--env", "x", "admin", "-h"]],
  ])("group help %j lists the subcommands", async (args) => {
    const result = await runCli(args);
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
    const group = args.filter((word) => !word.startsWith("-") && word !== "help" && word !== "x").join(" ");
    expect(result.stdout).toMatch(new RegExp(`^Usage: secr-run ${group} <command>`));
    expect(result.stdout).toMatch(new RegExp(`^Commands:\n {2}secr-run ${group} \\w+ +\\S`, "m"));
    for (const line of result.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("serve --help and serve --version", async () => {
    expect((await runCli(["serve", "--help"])).stdout).toContain("--rate-limit N");
    expect((await runCli(["serve", "--version"])).stdout).toBe(`${pkg.version}\n`);
  });
});

describe("unknown commands", () => {
  it("a typo gets a suggestion, a program without -- gets the fix; 64 either way", async () => {
    const typo = await runCli(["--env", "dev", "chek"]);
    expect([typo.exitCode, typo.stderr]).toEqual([64, 'secr-run: unknown command "chek"; did you mean "check"?\n']);
    const program = await runCli(["--env", "dev", "node", "server.js"]);
    expect(program.exitCode).toBe(64);
    expect(program.stderr).toContain("to run a program, put it after --: secr-run [options] -- node ...");
  });
});

describe("--version", () => {
  it("prints the package version and loads nothing heavy", async () => {
    const { heavy, exitCode, stdout } = await loadedBundleFiles(["--version"]);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(pkg.version);
    expect(heavy).toEqual([]);
  });

  it("--version works after other options too", async () => {
    const result = await runCli(["--env", "x", "--version"]);
    expect([result.exitCode, result.stdout]).toEqual([0, `${pkg.version}\n`]);
  });

  it("control: a real run does load them (so the trace can see them)", async () => {
    const args = [
      "--org",
      "a",
      "--project",
      "b",
      "--env",
      "c",
      "--token",
      "secr_cli_x_0000",
      "--api-url",
      "http://127.0.0.1:1",
      "--timeout",
      "300ms",
      "-q",
      "--",
      "true",
    ];
    const { heavy } = await loadedBundleFiles(args);
    expect(heavy.length).toBeGreaterThanOrEqual(1); // run.cjs, which holds the client, undici and execa
  });

  it("a usage error loads nothing heavy either", async () => {
    const { heavy } = await loadedBundleFiles(["check", "--bogus"]);
    expect(heavy).toEqual([]);
  });

  it("no arguments: usage error 64", async () => {
    const result = await runCli([]);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toMatch(/^secr-run: no command given/);
  });
});
