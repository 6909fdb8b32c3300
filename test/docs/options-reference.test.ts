// docs/guide/options.md between its markers is rendered from the option declarations (the ones
// the parser, --help and completion use), so the document cannot drift from `--help`. After
// changing a declaration: UPDATE_DOCS=1 npx vitest run test/docs/options-reference.test.ts
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandDefinition } from "../../src/cli/define/command.js";
import { optionsReference } from "../../src/cli/define/reference.js";
import { GLOBAL_DEFINITIONS } from "../../src/cli/options/globals.js";
import { ROOT } from "../helpers/cli.js";

const DOC = join(ROOT, "docs/guide/options.md");
const BEGIN = "<!-- generated from src/cli/commands by test/docs/options-reference.test.ts: do not edit below -->\n";
const END = "<!-- end of generated reference -->\n";

async function commands(): Promise<CommandDefinition[]> {
  const dir = join(ROOT, "src/cli/commands");
  const found = new Set<CommandDefinition>();
  // Each command's declaration is src/cli/commands/<command>/command.ts.
  for (const folder of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    const module = (await import(join(dir, folder.name, "command.ts"))) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (typeof value === "object" && value !== null && "displayName" in value && "options" in value)
        found.add(value as CommandDefinition);
    }
  }
  return [...found].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

describe("docs/guide/options.md", () => {
  it("is the rendering of the declarations (UPDATE_DOCS=1 rewrites it)", async () => {
    const doc = readFileSync(DOC, "utf8");
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start, "the generated-reference markers").toBeGreaterThan(-1);
    const rendered = optionsReference(await commands(), GLOBAL_DEFINITIONS);
    if (process.env.UPDATE_DOCS === "1")
      writeFileSync(DOC, `${doc.slice(0, start + BEGIN.length)}\n${rendered}\n${doc.slice(end)}`);
    else
      expect(
        doc.slice(start + BEGIN.length, end),
        "run UPDATE_DOCS=1 npx vitest run test/docs/options-reference.test.ts",
      ).toBe(`\n${rendered}\n`);
  });

  it("lists every option --help lists, for run and serve", async () => {
    const all = await commands();
    const doc = readFileSync(DOC, "utf8");
    for (const command of all.filter((c) => c.path.length === 0 || c.path[0] === "serve")) {
      for (const def of Object.values(command.options))
        if (!def.hidden)
          expect(doc, `--${def.name}`).toContain(
            `--${def.kind === "boolean" && def.negatable ? "[no-]" : ""}${def.name}`,
          );
    }
    expect(doc).toContain("`--detach`");
  });
});
