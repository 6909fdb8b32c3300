// The typed schema of .secr.json: the launcher's whole interface to it. Imported dynamically, and
// only when a project declares a schema, so runs without one never load these zod checks.
import { checkEntries, compileEntries, firstBrokenRule, type CompiledEntry, type SchemaCheckResult } from "./check.js";
import { parseSchemaDeclaration, type SchemaEntry } from "./declaration.js";
import { describeType } from "./rules.js";

export type { SchemaCheckResult, SchemaFailure } from "./check.js";
export { REQUIRED_RULE } from "./check.js";
export { SCHEMA_TYPES, type SchemaEntry, type SchemaType } from "./declaration.js";

/** A schema ready to check environments with. */
export interface Schema {
  /** The project file that declared it, for messages. */
  file: string;
  entries: readonly SchemaEntry[];
  check(lookup: (key: string) => string | undefined): SchemaCheckResult;
  /** e.g. "port", "url (postgres|postgresql)"; undefined for a key the schema does not declare. */
  describe(key: string): string | undefined;
}

/**
 * Parse and compile `raw` (the `"schema"` value of `file`). An Error names the entry and what is
 * wrong: an invalid schema is a configuration error (78), like any other mistake in .secr.json.
 */
export function loadSchema(raw: unknown, file: string): Schema | Error {
  const entries = parseSchemaDeclaration(raw, file);
  if (entries instanceof Error) return entries;
  let compiled: CompiledEntry[];
  try {
    compiled = compileEntries(entries);
  } catch (error) {
    return new Error(`${file}: schema cannot be compiled: ${error instanceof Error ? error.message : String(error)}`);
  }
  // A default that breaks its own rules would be injected and then rejected: say so up front.
  for (const { entry, rules } of compiled) {
    if (entry.default === undefined) continue;
    const broken = firstBrokenRule(rules, entry.default);
    if (broken !== undefined) return new Error(`${file}: schema entry ${entry.key}: "default" ${broken}`);
  }
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  return {
    file,
    entries,
    check: (lookup) => checkEntries(compiled, lookup),
    describe: (key) => {
      const entry = byKey.get(key);
      return entry === undefined ? undefined : describeType(entry);
    },
  };
}
