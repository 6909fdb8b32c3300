// `secrets import`: the entries of a dotenv or JSON file. Pure. dotenv files are read with the
// `dotenv` package, the parser `secr-run export --format dotenv` round-trips through.
import { parse } from "dotenv";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";

export type ImportFormat = "dotenv" | "json";

export interface ImportEntry {
  key: string;
  value: string;
}

/** The format a file name suggests: `.json` is JSON, anything else dotenv. */
export function formatFor(path: string): ImportFormat {
  return /\.json$/i.test(path) ? "json" : "dotenv";
}

export function parseImport(text: string, format: ImportFormat, from: string): ImportEntry[] {
  const entries = format === "json" ? fromJson(text, from) : fromDotenv(text);
  if (entries.length === 0) throw new Failure(ExitCode.DATA, `${from} holds no ${format === "json" ? "entries" : "KEY=VALUE lines"}; nothing to import`);
  for (const { key, value } of entries) {
    // Never the value: the key names the problem.
    if (value.includes("\0")) throw new Failure(ExitCode.DATA, `${from}: the value of ${JSON.stringify(key)} contains a NUL byte, which no environment variable can hold`);
  }
  return entries;
}

function fromDotenv(text: string): ImportEntry[] {
  // A prototype-less result: a key named __proto__ is an entry like any other.
  const parsed = parse(text);
  return Object.keys(parsed).map((key) => ({ key, value: parsed[key]! }));
}

function fromJson(text: string, from: string): ImportEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Failure(ExitCode.DATA, `${from} is not valid JSON (expected {"KEY": "value", ...})`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Failure(ExitCode.DATA, `${from} must hold one JSON object {"KEY": "value", ...}`);
  return Object.entries(json).map(([key, value]) => {
    if (typeof value !== "string") throw new Failure(ExitCode.DATA, `${from}: the value of ${JSON.stringify(key)} is a ${value === null ? "null" : typeof value}; every value must be a string`);
    return { key, value };
  });
}

/** Pure: which entries would create a key and which would update one (the dry run). */
export function planImport(entries: readonly ImportEntry[], existing: Iterable<string>): { create: string[]; update: string[] } {
  const have = new Set(existing);
  const create: string[] = [];
  const update: string[] = [];
  for (const { key } of entries) (have.has(key) ? update : create).push(key);
  return { create, update };
}
