// The names the child gets: `--rename OLD=NEW` (repeatable) then `--prefix STR`
// (docs/guide/layers.md). Pure. Renames apply all at once (`A=B` with `B=C` moves both), so the
// result does not depend on their order; two keys landing on one name is a usage error.
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import { dictionary, type Dictionary } from "./dictionary.js";
import { printableName, VALID_NAME } from "./names.js";

export interface NameMapping {
  /** OLD → NEW. */
  renames: ReadonlyMap<string, string>;
  prefix: string;
}

export interface Renamed {
  secrets: Dictionary;
  /** The child's name → secr's key, for every name that differs. */
  from: Dictionary;
  /** One line each, names only: renames of keys this run does not have. */
  warnings: string[];
}

/** `--rename` values (or `.secr.json` "rename" entries) to a mapping; an Error is a usage error. */
export function parseRenames(pairs: ReadonlyArray<readonly [string, string]>): Map<string, string> | Error {
  const renames = new Map<string, string>();
  for (const [from, to] of pairs) {
    if (from === "") return new Error(`--rename ${JSON.stringify(`${from}=${to}`)} names no key (OLD=NEW)`);
    if (!VALID_NAME.test(to))
      return new Error(
        `--rename ${printableName(from)}=${printableName(to)}: the new name is not a valid environment variable name`,
      );
    if (renames.has(from)) return new Error(`--rename ${printableName(from)} is given twice`);
    renames.set(from, to);
  }
  return renames;
}

/** `--rename OLD=NEW` as written on the command line. */
export function splitRename(raw: string): readonly [string, string] | Error {
  const eq = raw.indexOf("=");
  if (eq === -1) return new Error(`--rename ${JSON.stringify(raw)} is not OLD=NEW`);
  return [raw.slice(0, eq), raw.slice(eq + 1)];
}

export function checkPrefix(prefix: string): Error | undefined {
  if (prefix === "" || VALID_NAME.test(prefix)) return undefined;
  return new Error(
    `--prefix ${JSON.stringify(prefix)} would not make valid names (letters, digits and _, not starting with a digit)`,
  );
}

export function applyNames(secrets: Readonly<Record<string, string>>, { renames, prefix }: NameMapping): Renamed {
  const out = dictionary();
  const from = dictionary();
  const owner = new Map<string, string>(); // the child's name → the secr key that took it
  const warnings: string[] = [];
  for (const [old] of renames)
    if (!Object.hasOwn(secrets, old)) warnings.push(`--rename ${printableName(old)}: no such key in this run`);
  for (const key of Object.keys(secrets)) {
    const renamed = renames.get(key) ?? key;
    const name = prefix + renamed;
    const taken = owner.get(name);
    if (taken !== undefined) throw new RenameCollision(name, taken, key, renames);
    owner.set(name, key);
    out[name] = secrets[key]!;
    if (name !== key) from[name] = key;
  }
  return { secrets: out, from, warnings };
}

/** Two keys landing on one name: a usage error (64) naming both. */
export class RenameCollision extends Failure {
  constructor(name: string, first: string, second: string, renames: ReadonlyMap<string, string>) {
    const how = (key: string) =>
      renames.has(key)
        ? `--rename ${printableName(key)}=${printableName(renames.get(key)!)}`
        : `the key ${printableName(key)}`;
    super(ExitCode.USAGE, `${how(first)} and ${how(second)} both give ${printableName(name)}; rename one of them`);
  }
}
