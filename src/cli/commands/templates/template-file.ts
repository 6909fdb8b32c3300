// `templates set`: the entries to register (a --file or one KEY) and how each differs from what
// the project has. Pure.
import * as z from "zod/mini";
import type { Template } from "../../../client/schemas.js";
import { describeIssues } from "../../../client/schemas.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";

export interface TemplateEntry {
  key: string;
  description: string | null;
  required: boolean;
}

const entrySchema = z.object({
  key: z.string().check(z.minLength(1)),
  description: z.optional(z.nullable(z.string())),
  required: z.optional(z.boolean()),
});
const fileSchema = z.array(entrySchema);

export function parseTemplateFile(text: string, from: string): TemplateEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Failure(ExitCode.DATA, `${from} is not valid JSON (expected [{"key": "NAME", "required": true}, ...])`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success)
    throw new Failure(
      ExitCode.DATA,
      `${from}: ${describeIssues(parsed.error.issues)} (expected [{"key", "description"?, "required"?}, ...])`,
    );
  const seen = new Set<string>();
  for (const { key } of parsed.data) {
    if (seen.has(key)) throw new Failure(ExitCode.DATA, `${from}: key ${JSON.stringify(key)} is listed twice`);
    seen.add(key);
  }
  return parsed.data.map(({ key, description, required }) => ({
    key,
    description: description ?? null,
    required: required ?? true,
  }));
}

export type TemplateChange = { kind: "create" | "replace" | "unchanged"; entry: TemplateEntry };

/** What registering each entry means given the project's current template. */
export function planTemplates(entries: readonly TemplateEntry[], current: readonly Template[]): TemplateChange[] {
  const byKey = new Map(current.map((t) => [t.key, t]));
  return entries.map((entry) => {
    const existing = byKey.get(entry.key);
    if (existing === undefined) return { kind: "create", entry };
    const same = existing.required === entry.required && (existing.description ?? null) === entry.description;
    return { kind: same ? "unchanged" : "replace", entry };
  });
}
