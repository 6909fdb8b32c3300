// `secr-run completion bash|zsh|fish`: scripts generated from the registry. The bash script is
// loaded into a real bash (always: CI has bash) and its function called as bash's completion
// would call it. zsh and fish run in their own shells where installed: completion-shells.test.ts.
import { writeFileSync } from "node:fs";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { recordFile } from "../helpers/record.js";

let script = "";
beforeAll(async () => {
  const result = await runCli(["completion", "bash"]);
  expect([result.exitCode, result.stderr]).toEqual([0, ""]);
  script = recordFile();
  writeFileSync(script, result.stdout);
});

/** What bash offers after the words typed (the last one is the word being completed). */
async function complete(words: string[]): Promise<string[]> {
  const line = [
    'source "$1"',
    `COMP_WORDS=(${["secr-run", ...words].map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length}`,
    "_secr_run_complete",
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join("; ");
  const result = await execa("bash", ["--norc", "--noprofile", "-c", line, "bash", script]);
  return result.stdout.split("\n").filter(Boolean).sort();
}

async function syntaxCheck(shell: string, args: string[], text: string): Promise<number | undefined> {
  const file = recordFile();
  writeFileSync(file, text);
  return (await execa(shell, [...args, file], { reject: false })).exitCode;
}

describe("completion bash", () => {
  it("is valid bash (bash -n) and registers the function for secr-run", async () => {
    expect(await syntaxCheck("bash", ["-n"], (await runCli(["completion", "bash"])).stdout)).toBe(0);
    const registered = await execa("bash", ["--norc", "-c", 'source "$1"; complete -p secr-run', "bash", script]);
    expect(registered.stdout).toBe("complete -o default -F _secr_run_complete secr-run");
  });

  it.each([
    [["sec"], ["secrets"]],
    [["secrets", "l"], ["list"]],
    [["--env", "dev", "secrets", "l"], ["list"]],
    [
      ["-e", "dev", "admin", "tokens", ""],
      ["create", "list", "revoke"],
    ],
    [["admin", "t"], ["tokens"]],
    [["check", "--js"], ["--json"]],
    [
      ["export", "--format", ""],
      ["dotenv", "json", "shell"],
    ],
    [
      ["secrets", "import", "--format", ""],
      ["dotenv", "json"],
    ],
    [["--mount-f"], ["--mount-format"]],
    [["--", "sec"], []],
    [
      ["completion", ""],
      ["bash", "fish", "zsh"],
    ],
    [["completion", "f"], ["fish"]],
    [["completion", "bash", ""], []],
    [["completion", "--verb"], ["--verbose"]],
    [["secrets", "list", "--env", ""], []],
  ])("%j offers %j", async (words, expected) => {
    expect(await complete(words)).toEqual(expected);
  });

  it("reaches every command the top-level --help lists", async () => {
    const help = (await runCli(["--help"])).stdout;
    const listed = [...help.matchAll(/^ {2}secr-run ((?:[a-z]+ ?)+?) {2,}/gm)].map((m) => m[1]!.trim().split(" "));
    expect(listed.length).toBeGreaterThan(10);
    for (const path of listed) {
      for (let depth = 0; depth < path.length; depth++)
        expect(await complete([...path.slice(0, depth), path[depth]!.slice(0, 2)]), path.join(" ")).toContain(
          path[depth],
        );
    }
  });
});

describe("completion zsh and fish (the text; the shells run them in completion-shells.test.ts)", () => {
  it("zsh loads the bash function through bashcompinit", async () => {
    const { stdout, exitCode } = await runCli(["completion", "zsh"]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain("bashcompinit");
    expect(stdout).toContain("complete -o default -F _secr_run_complete secr-run");
  });

  it("fish declares commands and options per command path; fixed values exclude files (-x)", async () => {
    const { stdout, exitCode } = await runCli(["completion", "fish"]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain("complete -c secr-run -f -n 'test (__secr_run_path) = \\'secrets\\'' -a list");
    expect(stdout).toMatch(
      /^complete -c secr-run -n 'test \(__secr_run_path\) = \\'export\\'' -l format -s f -x -a 'dotenv json shell' -d /m,
    );
  });

  it("an unknown shell is a usage error with a suggestion", async () => {
    const result = await runCli(["completion", "bsh"]);
    expect([result.exitCode, result.stdout]).toEqual([64, ""]);
    expect(result.stderr).toBe(
      'secr-run: no completion for shell "bsh"; use bash, zsh, fish; did you mean bash? (see secr-run completion --help)\n',
    );
  });
});
