// Every ```sh block of README.md and docs/guide/ runs verbatim, pasted as one into bash, against
// the built CLI on PATH with a clean HOME (test/helpers/user-shell.ts). Blocks that install from
// a clone run in test/docs/fresh-clone.test.ts. A block whose text changed fails here first:
// update its hash below once its test says what the new text must do.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { allBlocks, block } from "./blocks.js";
import { ROOT } from "../helpers/cli.js";
import { userMachine, type UserMachine } from "../helpers/user-shell.js";

/** Each pasted block, by id: the SHA-256 prefix of its text and the test that runs it. */
export const KNOWN: Record<string, { hash: string; runIn: string }> = {
  "README.md#0": { hash: "56dfa8baec2dfd3e", runIn: "test/docs/fresh-clone.test.ts" },
  "README.md#1": { hash: "4047889fe09f7c58", runIn: "test/docs/fresh-clone.test.ts" },
  "README.md#2": { hash: "ddbf2e3996ddba8d", runIn: "test/docs/fresh-clone.test.ts" },
  "README.md#3": { hash: "929e20194a93689b", runIn: "test/docs/pasted-blocks.test.ts" },
  "README.md#4": { hash: "80c5022fa52b120e", runIn: "test/docs/pasted-blocks.test.ts" },
  "docs/guide/serve.md#0": { hash: "2a93dbfa590e097b", runIn: "test/docs/pasted-blocks.test.ts" },
};

const machines: UserMachine[] = [];
const machine = () => {
  const made = userMachine();
  machines.push(made);
  return made;
};
afterEach(async () => {
  for (const made of machines.splice(0)) await made.remove();
});

describe("pasted blocks", () => {
  it("every ```sh block is known here with its current text (a changed block needs its test reviewed)", () => {
    const found = Object.fromEntries(allBlocks().map((b) => [b.id, b.hash]));
    expect(found).toEqual(Object.fromEntries(Object.entries(KNOWN).map(([id, known]) => [id, known.hash])));
    for (const [id, known] of Object.entries(KNOWN))
      expect(readFileSync(join(ROOT, known.runIn), "utf8"), known.runIn).toContain(`block("${id}")`);
  });

  it("README, your own project in two minutes: pasted as ONE block, from a clean home, then the stop block", async () => {
    const user = machine();
    const project = await user.sh(block("README.md#3").text);
    expect(project.exitCode, project.stderr).toBe(0);
    expect(project.stdout).toContain("created acme/shop with environments development, staging, production\n");
    expect(project.stdout).toContain("DATABASE_URL: version 1 in acme/shop/demo\n");
    expect(project.stdout).toMatch(/DATABASE_URL is set\nacme\/shop\/demo: valid$/);
    // The secret's value and the tokens never reach the terminal but where the block asked.
    expect(`${project.stdout}${project.stderr}`).not.toContain("change-me");
    const projectFile = JSON.parse(readFileSync(join(user.home, "shop", ".secr.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(projectFile).toEqual({ org: "acme", project: "shop", env: "demo" });

    const stop = await user.sh(block("README.md#4").text);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(stop.stderr).toMatch(/^secr-run serve: stopped the server on .*\(pid \d+\)$/);
  }, 120_000);

  it("docs/guide/serve.md, in the background: start, use, stop", async () => {
    const user = machine();
    const result = await user.sh(block("docs/guide/serve.md#0").text);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe("created acme/tools with environments development, staging, production");
    expect(result.stderr).toMatch(/stopped the server on .*\(pid \d+\)$/);
  }, 60_000);
});
