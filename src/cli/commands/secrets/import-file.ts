// `secrets import`: the entries of a dotenv or JSON file. Pure. dotenv files are read by the
// `dotenv` package's rules, which `secr-run export --format dotenv` round-trips through; what
// those rules would change silently is refused or noted (docs/design/manage.md, "Importing").
import { printableName } from "../../../plan/names.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { parseDotenv, type DotenvEntry } from "./dotenv-entries.js";

export type ImportFormat = "dotenv" | "json";

export interface ImportEntry {
  key: string;
  value: string;
  /** Where the stored value differs from the text of the file (never the value itself). */
  notes: string[];
}

/** The format a file name suggests: `.json` is JSON, anything else dotenv. */
export function formatFor(path: string): ImportFormat {
  return /\.json$/i.test(path) ? "json" : "dotenv";
}

export function parseImport(text: string, format: ImportFormat, from: string): ImportEntry[] {
  const entries = format === "json" ? fromJson(text, from) : fromDotenv(text, from);
  if (entries.length === 0)
    throw new Failure(
      ExitCode.DATA,
      `${from} holds no ${format === "json" ? "entries" : "KEY=VALUE lines"}; nothing to import`,
    );
  for (const { key, value } of entries) {
    // Never the value: the key names the problem.
    if (value.includes("\0"))
      throw new Failure(
        ExitCode.DATA,
        `${from}: the value of ${JSON.stringify(key)} contains a NUL byte, which no environment variable can hold`,
      );
  }
  return entries;
}

function fromDotenv(text: string, from: string): ImportEntry[] {
  return [...parseDotenv(text).values()].map((entry) => {
    const at = `${from} line ${entry.line}`;
    const name = printableName(entry.key);
    if (entry.comment === "attached") {
      throw new Failure(
        ExitCode.DATA,
        `${at}: the value of ${name} has an unquoted "#", which dotenv reads as the start of a comment (the rest of the line would not be stored); quote the value to keep the "#", or put a space before "#" if a comment follows; nothing was imported`,
      );
    }
    // As \`secrets set\`: an empty value only when written so on purpose (here, quoted).
    if (entry.value === "" && entry.quote === "")
      throw new Failure(
        ExitCode.DATA,
        `${at}: empty value for ${name}; nothing was imported (an empty value on purpose: ${name}="")`,
      );
    return { key: entry.key, value: entry.value, notes: dotenvNotes(entry) };
  });
}

/** What the dotenv rules did to the text of an entry, in words that never quote the value. */
export function dotenvNotes(entry: DotenvEntry): string[] {
  const notes: string[] = [];
  if (entry.comment === "spaced")
    notes.push(`the " #" after it starts a comment, not stored (quote the value if it belongs to it)`);
  if (entry.trimmed) notes.push("spaces around it not stored");
  if (entry.escapes) notes.push("\\n and \\r inside double quotes stored as line breaks");
  if (entry.occurrences > 1)
    notes.push(`set ${entry.occurrences} times in the file; the last (line ${entry.line}) is stored`);
  return notes;
}

function fromJson(text: string, from: string): ImportEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Failure(ExitCode.DATA, `${from} is not valid JSON (expected {"KEY": "value", ...})`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new Failure(ExitCode.DATA, `${from} must hold one JSON object {"KEY": "value", ...}`);
  return Object.entries(json).map(([key, value]) => {
    if (typeof value !== "string")
      throw new Failure(
        ExitCode.DATA,
        `${from}: the value of ${JSON.stringify(key)} is a ${value === null ? "null" : typeof value}; every value must be a string`,
      );
    return { key, value, notes: [] };
  });
}

export interface PlannedEntry {
  key: string;
  action: "create" | "update";
  /** Length of the value that would be stored, in characters (code points): never the value. */
  characters: number;
  notes: string[];
}

/** Pure: which entries would create a key and which would update one, and what each would store (the dry run). */
export function planImport(
  entries: readonly ImportEntry[],
  existing: Iterable<string>,
): { create: string[]; update: string[]; entries: PlannedEntry[] } {
  const have = new Set(existing);
  const create: string[] = [];
  const update: string[] = [];
  const planned = entries.map(({ key, value, notes }): PlannedEntry => {
    const action = have.has(key) ? "update" : "create";
    (action === "update" ? update : create).push(key);
    return { key, action, characters: [...value].length, notes };
  });
  return { create, update, entries: planned };
}
