// --only KEY1,KEY2: inject just these keys. A listed key that the environment lacks is the same
// failure as a missing template key: the app asked for it by name. Pure.
import { dictionary } from "./dictionary.js";

/** `["A,B", "C"]` -> `["A", "B", "C"]`: options given as comma lists, possibly repeated. */
export function splitList(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const item of value.split(",")) {
      const name = item.trim();
      if (name !== "" && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

export interface OnlyResult {
  selected: Record<string, string>;
  missing: string[];
}

export function selectOnly(secrets: Readonly<Record<string, string>>, only: readonly string[] | undefined): OnlyResult {
  if (only === undefined) return { selected: dictionary(Object.entries(secrets)), missing: [] };
  const selected = dictionary();
  const missing: string[] = [];
  for (const key of only) {
    if (Object.hasOwn(secrets, key)) selected[key] = secrets[key]!;
    else missing.push(key);
  }
  return { selected, missing };
}
