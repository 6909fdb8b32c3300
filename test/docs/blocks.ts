// The pasted blocks of the user documentation: every fenced ```sh block of README.md and
// docs/guide/*.md (CONTRIBUTING.md, "Documentation that is tested"). Each is known here by its
// file, its place and the SHA-256 of its text, so editing a block fails the suite until its test
// has been looked at; the tests run the block's text itself.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/cli.js";

export interface Block {
  /** `README.md#2`: the file and the block's index among its ```sh blocks. */
  id: string;
  text: string;
  hash: string;
}

export const DOC_FILES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs/guide"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/guide/${name}`),
];

export function shBlocks(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match, index) => ({
    id: `${file}#${index}`,
    text: match[1]!,
    hash: createHash("sha256").update(match[1]!).digest("hex").slice(0, 16),
  }));
}

export const allBlocks = (): Block[] => DOC_FILES.flatMap(shBlocks);

export function block(id: string): Block {
  const found = allBlocks().find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no pasted block ${id}`);
  return found;
}
