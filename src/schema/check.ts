// Checks a child's environment against a compiled schema. Pure. Failures name the key and the
// rule it broke, never the value: a message about a secret must not become a copy of it.
import { dictionary } from "../plan/dictionary.js";
import type { SchemaEntry } from "./declaration.js";
import { rulesFor, type Rule } from "./rules.js";

export interface SchemaFailure {
  key: string;
  /** e.g. "is required", "must be a port number (1-65535)". */
  rule: string;
}

export interface CompiledEntry {
  entry: SchemaEntry;
  rules: Rule[];
}

export interface SchemaCheckResult {
  /** Every failing key once, in declaration order. */
  failures: SchemaFailure[];
  /** Absent keys with a default: name -> value to inject. */
  defaults: Record<string, string>;
  /** Keys checked and passing (present or defaulted), for explain. */
  passed: string[];
}

export const REQUIRED_RULE = "is required";

export function compileEntries(entries: readonly SchemaEntry[]): CompiledEntry[] {
  return entries.map((entry) => ({ entry, rules: rulesFor(entry) }));
}

/** The first rule `value` breaks, or undefined. */
export function firstBrokenRule(rules: readonly Rule[], value: string): string | undefined {
  return rules.find((rule) => !rule.schema.safeParse(value).success)?.text;
}

/**
 * `lookup(key)` is the value the child would get (undefined: absent). An absent key takes its
 * default (which was checked when the schema was compiled), else passes if optional, else fails.
 */
export function checkEntries(
  compiled: readonly CompiledEntry[],
  lookup: (key: string) => string | undefined,
): SchemaCheckResult {
  // No prototype: a default may be declared for `__proto__` (src/plan/dictionary.ts).
  const result: SchemaCheckResult = { failures: [], defaults: dictionary(), passed: [] };
  for (const { entry, rules } of compiled) {
    const value = lookup(entry.key);
    if (value === undefined) {
      if (entry.default !== undefined) {
        result.defaults[entry.key] = entry.default;
        result.passed.push(entry.key);
      } else if (!entry.optional) result.failures.push({ key: entry.key, rule: REQUIRED_RULE });
      continue;
    }
    const broken = firstBrokenRule(rules, value);
    if (broken === undefined) result.passed.push(entry.key);
    else result.failures.push({ key: entry.key, rule: broken });
  }
  return result;
}
