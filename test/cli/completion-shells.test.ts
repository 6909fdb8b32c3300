// zsh and fish completion, in the real shells, the way a user gets it: the line the README gives
// (`eval "$(secr-run completion zsh)"`, `secr-run completion fish | source`) is run, then the shell
// is asked what Tab offers. zsh: an interactive `zsh -f` in a pseudo-terminal (zsh/zpty) gets the
// typed line and a Tab; its `compadd` is wrapped to record each match the completion adds. fish:
// `complete -C LINE` prints what Tab would offer.
// These tests run where the shell is installed and are reported as skipped where it is not (CI
// images often have neither); the bash script is tested everywhere (completion.test.ts).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, NODE, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

function has(shell: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;
}

/** The guide's install line for `shell` (the code block of docs/guide/completion.md). */
function readmeLine(pattern: RegExp): string {
  const guide = readFileSync(new URL("../../docs/guide/completion.md", import.meta.url), "utf8");
  const block = /```shell\n([\s\S]*?)```/.exec(guide)![1]!;
  const line = block.split("\n").find((l) => pattern.test(l));
  if (line === undefined) throw new Error(`docs/guide/completion.md's block has no line matching ${pattern}`);
  return line.replace(/\s+#.*$/, "");
}

// A `secr-run` on PATH running the built CLI, a home with no startup files, and a working
// directory holding one file (what file completion should find).
const dir = tempDir("secr-run-completion-");
const bin = join(dir.path, "bin");
const home = join(dir.path, "home");
const cwd = join(dir.path, "work");
for (const d of [bin, home, cwd]) mkdirSync(d);
writeFileSync(join(bin, "secr-run"), `#!/bin/sh\nexec '${NODE}' '${CLI}' "$@"\n`);
chmodSync(join(bin, "secr-run"), 0o755);
writeFileSync(join(cwd, "server.js"), "");
const env = { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: home, TERM: "dumb", LANG: "C.UTF-8" };
afterAll(() => dir.remove());

/** Words typed after `secr-run ` (the last one is being completed) and the sorted matches Tab
 *  must offer: the same walk as the bash script's, so the same answers. */
const CASES: Array<[line: string, expected: string[]]> = [
  ["sec", ["secrets"]],
  ["secrets l", ["list"]],
  ["--env dev secrets l", ["list"]],
  ["-e dev admin tokens ", ["create", "list", "revoke"]],
  ["admin t", ["tokens"]],
  ["check --js", ["--json"]],
  ["--mount-f", ["--mount-format"]],
  ["export --format ", ["dotenv", "json", "shell"]],
  ["secrets import --format ", ["dotenv", "json"]],
  ["completion ", ["bash", "fish", "zsh"]],
  ["completion z", ["zsh"]],
  // One shell only: after it, files (the shell's default), not shell names again.
  ["completion bash ", ["server.js"]],
  // After `--` the words are the program's: files, never secr-run's commands.
  ["-- ser", ["server.js"]],
  ["-- sec", []],
];

const DRIVER = fileURLToPath(new URL("./fixtures/zsh-tab.zsh", import.meta.url));

// bash is everywhere: its cases run in completion.test.ts; here, only that the README's line loads it.
describe("completion bash, the README's line", () => {
  it("registers the completion for secr-run", async () => {
    const result = await execa(
      "bash",
      ["--norc", "--noprofile", "-c", `${readmeLine(/completion bash/)}; complete -p secr-run`],
      { cwd, env, extendEnv: false },
    );
    expect([result.stdout, result.stderr]).toEqual(["complete -o default -F _secr_run_complete secr-run", ""]);
  });
});

let runs = 0;
async function zshComplete(line: string, zshrc: string): Promise<{ matches: string[]; loadErrors: string }> {
  const out = join(dir.path, `zsh-${++runs}.out`);
  const err = `${out}.err`;
  writeFileSync(err, "");
  await execa("zsh", ["-f", DRIVER, zshrc, readmeLine(/completion zsh/), `secr-run ${line}`, out, err], {
    cwd,
    env,
    extendEnv: false,
    timeout: 30_000,
  });
  const matches = existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean) : [];
  return { matches: [...new Set(matches)].sort(), loadErrors: readFileSync(err, "utf8") };
}

describe.skipIf(!has("zsh"))("completion zsh, in zsh", () => {
  // compinit reads every completion function when it has no dump file (seconds); each test shell
  // then starts from this dump, as a user's shell does from ~/.zcompdump.
  const dump = join(home, ".zcompdump");
  const compinit = `autoload -U compinit; compinit -u -d ${dump}`;
  beforeAll(async () => {
    await execa("zsh", ["-f", "-c", compinit], { cwd, env, extendEnv: false });
  });

  it("zsh parses the script (zsh -n)", async () => {
    const file = join(dir.path, "completion.zsh");
    writeFileSync(file, (await runCli(["completion", "zsh"])).stdout);
    expect((await execa("zsh", ["-n", file], { reject: false })).exitCode).toBe(0);
  });

  it.each(CASES)("after compinit, `secr-run %s<Tab>` offers %j", async (line, expected) => {
    const { matches, loadErrors } = await zshComplete(line, compinit);
    expect(loadErrors).toBe("");
    expect(matches).toEqual(expected);
  });

  it("--wat<Tab> offers the --watch options", async () => {
    const { matches } = await zshComplete("--wat", compinit);
    expect(matches).toContain("--watch");
    expect(matches.every((m) => m.startsWith("--watch"))).toBe(true);
  });

  it.each([
    ["sec", ["secrets"]],
    ["export --format ", ["dotenv", "json", "shell"]],
  ])(
    "in a .zshrc that never runs compinit, the script runs it: `secr-run %s<Tab>` offers %j",
    async (line, expected) => {
      const { matches, loadErrors } = await zshComplete(line, ":");
      expect(loadErrors).toBe("");
      expect(matches).toEqual(expected);
    },
  );

  it("a .zshrc whose `compinit -u` accepts a world-writable fpath directory: the script does not run compinit again", async () => {
    // A second compinit, without -u, would stop at "Ignore insecure directories?" and abort.
    const insecure = join(dir.path, "site-functions");
    mkdirSync(insecure);
    chmodSync(insecure, 0o777);
    const { matches, loadErrors } = await zshComplete(
      "sec",
      `fpath=(${insecure} $fpath); autoload -U compinit; compinit -u -d ${join(home, ".zcompdump-insecure")}`,
    );
    expect(loadErrors).toBe("");
    expect(matches).toEqual(["secrets"]);
  });
});

async function fish(script: string, args: string[], extra: Record<string, string> = {}): Promise<string[]> {
  const result = await execa("fish", ["-c", script, "--", ...args], {
    cwd,
    env: { ...env, ...extra },
    extendEnv: false,
    timeout: 30_000,
  });
  expect(result.stderr).toBe("");
  return result.stdout.split("\n").filter(Boolean);
}

/** What fish offers for `secr-run LINE`, the script loaded with the README's line: candidates
 *  without their descriptions, sorted. */
async function fishComplete(line: string): Promise<string[]> {
  const lines = await fish(`${readmeLine(/completion fish \| source/)}; complete -C $argv[1]`, [`secr-run ${line}`]);
  return lines.map((l) => l.split("\t")[0]!).sort();
}

describe.skipIf(!has("fish"))("completion fish, in fish", () => {
  it("fish parses the script (fish --no-execute)", async () => {
    const file = join(dir.path, "completion.fish");
    writeFileSync(file, (await runCli(["completion", "fish"])).stdout);
    expect((await execa("fish", ["--no-execute", file], { reject: false })).exitCode).toBe(0);
  });

  it.each(CASES)("`secr-run %s<Tab>` offers %j", async (line, expected) => {
    expect(await fishComplete(line)).toEqual(expected);
  });

  it("--wat<Tab> offers the --watch options, with their descriptions", async () => {
    const lines = await fish(`${readmeLine(/completion fish \| source/)}; complete -C $argv[1]`, ["secr-run --wat"]);
    expect(lines.map((l) => l.split("\t")[0])).toContain("--watch");
    expect(lines.every((l) => /^--watch[a-z-]*\t\S/.test(l))).toBe(true);
  });

  it("reaches every command the top-level --help lists", async () => {
    const help = (await runCli(["--help"])).stdout;
    const listed = [...help.matchAll(/^ {2}secr-run ((?:[a-z]+ ?)+?) {2,}/gm)].map((m) => m[1]!.trim().split(" "));
    expect(listed.length).toBeGreaterThan(10);
    // One fish for all: each line's candidates, then a separator.
    const asks = listed.flatMap((path) =>
      path.map((word, depth) => ({ line: `secr-run ${[...path.slice(0, depth), word.slice(0, 2)].join(" ")}`, word })),
    );
    const script = `${readmeLine(/completion fish \| source/)}; for line in $argv; complete -C $line | string replace -r '\\t.*' ''; echo '<end>'; end`;
    const answers = (
      await fish(
        script,
        asks.map((a) => a.line),
      )
    )
      .join("\n")
      .split("<end>")
      .map((a) => a.split("\n").filter(Boolean));
    asks.forEach(({ line, word }, i) => expect(answers[i], line).toContain(word));
  });

  it("the README's completions-directory file is loaded by fish on first use", async () => {
    const fishHome = join(dir.path, "fish-home");
    mkdirSync(join(fishHome, ".config", "fish", "completions"), { recursive: true });
    try {
      await execa("sh", ["-c", readmeLine(/fish\/completions/)], {
        cwd,
        env: { ...env, HOME: fishHome },
        extendEnv: false,
      });
      expect(await fish("complete -C $argv[1]", ["secr-run sec"], { HOME: fishHome })).toEqual(["secrets"]);
    } finally {
      rmSync(fishHome, { recursive: true, force: true });
    }
  });
});
