// From a declared entry to the zod checks a value must pass, each with the rule it stands for.
// zod/mini, as the rest of the launcher: the full zod adds ~600 KB to every start. Values are
// environment strings, so every type is a check on a string. Loaded only when a project declares
// a schema (see src/schema/index.ts).
import * as z from "zod/mini";
import { parseDuration } from "../config/duration.js";
import type { SchemaEntry, SchemaType } from "./declaration.js";

/** One rule of an entry: the zod schema that checks it and how a failure names it. */
export interface Rule {
  /** e.g. "must be a port number (1-65535)"; names the rule, never the value. */
  text: string;
  schema: z.ZodMiniType;
}

const INT = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOL_TRUE = ["true", "1", "yes", "on"];
const BOOL_FALSE = ["false", "0", "no", "off"];

const refine = (accept: (value: string) => boolean) => z.string().check(z.refine(accept));

function typeRule(entry: SchemaEntry): Rule {
  const { type } = entry;
  switch (type) {
    case "string":
      return { text: "must be a string", schema: z.string() };
    case "int":
      return { text: "must be an integer", schema: refine((v) => INT.test(v) && Number.isSafeInteger(Number(v))) };
    case "number":
      return { text: "must be a number", schema: refine((v) => NUMBER.test(v) && Number.isFinite(Number(v))) };
    case "port":
      return {
        text: "must be a port number (1-65535)",
        schema: refine((v) => /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535),
      };
    case "bool":
      return {
        text: `must be a boolean (${BOOL_TRUE.map((t, i) => `${t}/${BOOL_FALSE[i]}`).join(", ")})`,
        schema: z.stringbool({ truthy: BOOL_TRUE, falsy: BOOL_FALSE, case: "insensitive" }),
      };
    case "url": {
      const protocols = entry.protocols;
      if (protocols === undefined) return { text: "must be a URL", schema: z.url() };
      const schemes = protocols.map((p) => p.replace(/[.+]/g, "\\$&")).join("|");
      return {
        text: `must be a URL with protocol ${orList(protocols)}`,
        schema: z.url({ protocol: new RegExp(`^(?:${schemes})$`, "i") }),
      };
    }
    case "email":
      return { text: "must be an email address", schema: z.email() };
    case "uuid":
      return { text: "must be a UUID", schema: z.uuid() };
    case "enum":
      return {
        text: `must be one of ${entry.values!.join(", ")}`,
        schema: z.enum(entry.values as [string, ...string[]]),
      };
    case "regex":
      // The whole value must match, as a reader of the declaration expects.
      return {
        text: `must match /${entry.pattern}/`,
        schema: z.string().check(z.regex(new RegExp(`^(?:${entry.pattern})$`, "u"))),
      };
    case "json":
      return { text: "must be valid JSON", schema: refine(isJson) };
    case "base64":
      return { text: "must be base64", schema: z.base64() };
    case "duration":
      return {
        text: "must be a duration (e.g. 500ms, 10s, 2m, 1h30m, 7d)",
        schema: refine((v) => typeof parseDuration(v) === "number"),
      };
    default:
      return assertNever(type);
  }
}

/** The rules of an entry in the order they are checked; the first that fails is reported. */
export function rulesFor(entry: SchemaEntry): Rule[] {
  const rules: Rule[] = [];
  if (entry.minLength !== undefined) {
    rules.push({
      text: `must be at least ${entry.minLength} character${entry.minLength === 1 ? "" : "s"} long`,
      schema: z.string().check(z.minLength(entry.minLength)),
    });
  }
  if (entry.maxLength !== undefined) {
    rules.push({
      text: `must be at most ${entry.maxLength} character${entry.maxLength === 1 ? "" : "s"} long`,
      schema: z.string().check(z.maxLength(entry.maxLength)),
    });
  }
  rules.push(typeRule(entry));
  return rules;
}

/** What a value of this type looks like, for explain's and check's output. */
export function describeType(entry: SchemaEntry): string {
  const type: SchemaType = entry.type;
  if (type === "url" && entry.protocols !== undefined) return `url (${entry.protocols.join("|")})`;
  if (type === "enum") return `enum (${entry.values!.join("|")})`;
  return type;
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function orList(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function assertNever(value: never): never {
  throw new Error(`unhandled schema type ${String(value)}`);
}
