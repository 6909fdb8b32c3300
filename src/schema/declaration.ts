// The `schema` of .secr.json, as declared: shape checks and normalisation only, no zod. Pure.
// A mistake in the declaration is a configuration error naming the entry (docs/design/insights.md).
import { isCodeLoadingName, isReservedName, isValidName, printableName } from "../plan/names.js";

export const SCHEMA_TYPES = [
  "string",
  "int",
  "number",
  "port",
  "bool",
  "url",
  "email",
  "uuid",
  "enum",
  "regex",
  "json",
  "base64",
  "duration",
] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

/** One key's rules, normalised: the shorthand `"PORT": "port"` becomes `{ type: "port" }`. */
export interface SchemaEntry {
  key: string;
  type: SchemaType;
  optional: boolean;
  /** Injected when the key is absent from the child's environment. */
  default: string | undefined;
  minLength: number | undefined;
  maxLength: number | undefined;
  /** url: allowed schemes without the colon, lower case. */
  protocols: string[] | undefined;
  /** enum: the allowed values. */
  values: string[] | undefined;
  /** regex: the source of a pattern the whole value must match. */
  pattern: string | undefined;
}

export type SchemaDeclaration = SchemaEntry[];

const COMMON_OPTIONS = ["type", "optional", "default", "minLength", "maxLength", "description"];
const TYPE_OPTIONS: Partial<Record<SchemaType, string[]>> = { url: ["protocols"], enum: ["enum"], regex: ["pattern"] };

/**
 * `raw` is the value of `"schema"` in the project file named `file`. Returns the entries in
 * declaration order, or an Error whose message names the entry and the fix (never a secret:
 * the declaration holds none).
 */
export function parseSchemaDeclaration(raw: unknown, file: string): SchemaDeclaration | Error {
  if (!isRecord(raw)) return new Error(`${file}: "schema" must be an object like {"PORT": "port"}`);
  const entries: SchemaEntry[] = [];
  for (const [key, spec] of Object.entries(raw)) {
    const entry = parseEntry(key, spec);
    if (entry instanceof Error) return new Error(`${file}: schema entry ${printableName(key)}: ${entry.message}`);
    entries.push(entry);
  }
  return entries;
}

function parseEntry(key: string, spec: unknown): SchemaEntry | Error {
  if (!isValidName(key)) return new Error("is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
  if (typeof spec === "string") spec = { type: spec };
  if (!isRecord(spec))
    return new Error(`must be a type name (${SCHEMA_TYPES.join(", ")}) or an object like {"type": "port"}`);

  // `{"enum": [...]}` and `{"pattern": "..."}` say their type themselves.
  const typeRaw = spec.type ?? (spec.enum !== undefined ? "enum" : spec.pattern !== undefined ? "regex" : undefined);
  if (typeRaw === undefined) return new Error(`needs a "type" (${SCHEMA_TYPES.join(", ")})`);
  if (typeof typeRaw !== "string" || !(SCHEMA_TYPES as readonly string[]).includes(typeRaw)) {
    return new Error(`unknown type ${JSON.stringify(typeRaw)} (one of ${SCHEMA_TYPES.join(", ")})`);
  }
  const type = typeRaw as SchemaType;
  const allowed = [...COMMON_OPTIONS, ...(TYPE_OPTIONS[type] ?? [])];
  // A misspelt option ("protocol", "optinal") would silently check less than the author meant.
  const unknown = Object.keys(spec).find((name) => !allowed.includes(name));
  if (unknown !== undefined)
    return new Error(`unknown option ${JSON.stringify(unknown)} for type ${type} (allowed: ${allowed.join(", ")})`);

  if (spec.optional !== undefined && typeof spec.optional !== "boolean")
    return new Error(`"optional" must be true or false`);
  if (spec.description !== undefined && typeof spec.description !== "string")
    return new Error(`"description" must be a string`);

  // Environment values are strings; 3000 and false are accepted as the strings they spell.
  let defaultValue: string | undefined;
  if (spec.default !== undefined) {
    const d = spec.default;
    if (typeof d === "string") defaultValue = d;
    else if ((typeof d === "number" && Number.isFinite(d)) || typeof d === "boolean") defaultValue = String(d);
    else return new Error(`"default" must be a string (or a number or boolean, used as written)`);
    if (defaultValue.includes("\0")) return new Error(`"default" must not contain a NUL byte`);
    // A committed file should not be able to slip a loader variable into every child.
    if (isCodeLoadingName(key) || isReservedName(key))
      return new Error(`a default is not allowed for a code-loading or session name; set it in the environment`);
  }

  const minLength = lengthOption(spec, "minLength");
  if (minLength instanceof Error) return minLength;
  const maxLength = lengthOption(spec, "maxLength");
  if (maxLength instanceof Error) return maxLength;
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength)
    return new Error(`"minLength" (${minLength}) is greater than "maxLength" (${maxLength})`);

  let protocols: string[] | undefined;
  if (type === "url" && spec.protocols !== undefined) {
    const list = spec.protocols;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((p) => typeof p === "string" && /^[A-Za-z][A-Za-z0-9+.-]*:?$/.test(p))
    ) {
      return new Error(`"protocols" must be a non-empty list of URL schemes like ["https", "postgres"]`);
    }
    protocols = [...new Set((list as string[]).map((p) => p.replace(/:$/, "").toLowerCase()))];
  }

  let values: string[] | undefined;
  if (type === "enum") {
    const list = spec.enum;
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === "string")) {
      return new Error(`type enum needs "enum": a non-empty list of strings like ["debug", "info"]`);
    }
    values = [...new Set(list as string[])];
  }

  let pattern: string | undefined;
  if (type === "regex") {
    if (typeof spec.pattern !== "string" || spec.pattern === "")
      return new Error(`type regex needs "pattern": a non-empty regular expression`);
    try {
      new RegExp(spec.pattern, "u");
    } catch {
      return new Error(`"pattern" is not a valid regular expression (JavaScript syntax, u flag)`);
    }
    pattern = spec.pattern;
  }

  return {
    key,
    type,
    optional: spec.optional === true,
    default: defaultValue,
    minLength,
    maxLength,
    protocols,
    values,
    pattern,
  };
}

function lengthOption(spec: Record<string, unknown>, name: "minLength" | "maxLength"): number | undefined | Error {
  const value = spec[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    return new Error(`"${name}" must be a whole number >= 0`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
