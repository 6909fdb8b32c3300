// Every relative link of README.md, CONTRIBUTING.md and docs/ points to a file that exists and,
// with a #fragment, to a heading of that file (GitHub's anchor rule): moving a section or a file
// cannot leave a dead link behind.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

const documents = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```$/gm, "").matchAll(/^#{1,6} (.*)$/gm)) {
    out.add(
      heading!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-"),
    );
  }
  return out;
}

describe("documentation links", () => {
  it.each(documents)("%s: every relative link and anchor resolves", (document) => {
    const text = readFileSync(join(ROOT, document), "utf8").replace(/^```[\s\S]*?^```$/gm, "");
    const dead: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, fragment] = target!.split("#");
      const file = path === "" ? join(ROOT, document) : join(ROOT, dirname(document), path!);
      if (!existsSync(file)) dead.push(target!);
      else if (fragment !== undefined && file.endsWith(".md") && !anchors(readFileSync(file, "utf8")).has(fragment))
        dead.push(`${target} (no such heading in ${relative(ROOT, file)})`);
    }
    expect(dead).toEqual([]);
  });
});
