// Seed files: the documented JSON shape that creates tokens, orgs, projects, environments,
// secrets and templates. Applying a seed only adds data that is missing and never changes
// existing data, so re-seeding the same file (or restarting with --seed) is a no-op and
// never reverts edits made through the API. A soft-deleted key counts as existing.
// Tokens are the exception: a seeded token's role, scope, name and expiry are set as the seed
// says (its id and creation time stay); a token revoked through the API stays revoked.
import { z } from "zod";
import type { State, TokenRecord } from "./model.js";
import { checkDescription, checkKey, checkValue } from "./rules.js";
import { newTemplateId } from "./templates.js";
import { hashToken, scopeProblem, tokenRecord } from "./tokens.js";

const slug = z.string().min(1).max(256);

/**
 * A JSON object keyed by user-chosen names, as [name, value] entries in order. Not z.record:
 * its output is a plain object, where an entry named "__proto__" silently disappears.
 */
function entries<V extends z.ZodType>(key: z.ZodType<string>, value: V) {
  return z
    .custom<Record<string, unknown>>(
      (input) => typeof input === "object" && input !== null && !Array.isArray(input),
      "expected an object",
    )
    .transform((object, ctx) => {
      const out: [string, z.output<V>][] = [];
      for (const [name, item] of Object.entries(object)) {
        const parsedKey = key.safeParse(name);
        const parsed = value.safeParse(item);
        for (const issue of [...(parsedKey.error?.issues ?? []), ...(parsed.error?.issues ?? [])]) {
          ctx.issues.push({ code: "custom", message: issue.message, input: undefined, path: [name, ...issue.path] });
        }
        if (parsedKey.success && parsed.success) out.push([name, parsed.data]);
      }
      return out;
    });
}
const seedValue = z.union([z.string(), z.object({ value: z.string(), description: z.string().optional() })]);
const seedTemplate = z.object({
  key: z.string(),
  required: z.boolean().optional(),
  description: z.string().nullable().optional(),
});

export const seedSchema = z.object({
  tokens: z
    .array(
      z
        .object({
          token: z.string().min(1),
          role: z.enum(["admin", "viewer"]),
          name: z.string().min(1).max(256).optional(),
          org: slug.optional(),
          project: slug.optional(),
          env: slug.optional(),
          expiresAt: z.iso.datetime({ offset: true }).optional(),
        })
        .superRefine((token, ctx) => {
          const problem = scopeProblem(token);
          if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${problem} ("org", "project")` });
        }),
    )
    .optional(),
  orgs: entries(
    slug,
    z.object({
      projects: entries(
        slug,
        z.object({
          environments: entries(slug, entries(z.string(), seedValue)).optional(),
          templates: z.array(seedTemplate).optional(),
        }),
      ).optional(),
    }),
  ).optional(),
});

/** What a seed file holds (the documented JSON shape). */
export type Seed = z.input<typeof seedSchema>;
/** A checked seed; named maps are [name, value] entries. */
export type ParsedSeed = z.output<typeof seedSchema>;

/** Parse and check a seed; throws an Error whose message names the problem (never a value). */
export function parseSeed(input: unknown): ParsedSeed {
  const result = seedSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`invalid seed at ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  const seed = result.data;
  for (const [, project] of (seed.orgs ?? []).flatMap(([, o]) => o.projects ?? [])) {
    for (const [, secrets] of project.environments ?? []) {
      for (const [key, entry] of secrets) {
        const value = typeof entry === "string" ? entry : entry.value;
        try {
          checkKey(key);
          checkValue(key, value);
          if (typeof entry !== "string" && entry.description !== undefined) checkDescription(entry.description);
        } catch (error) {
          throw new Error(`invalid seed: ${(error as Error).message}`);
        }
      }
    }
    for (const template of project.templates ?? []) {
      try {
        checkKey(template.key);
      } catch (error) {
        throw new Error(`invalid seed: template ${(error as Error).message}`);
      }
    }
  }
  return seed;
}

const TOKEN_FIELDS = ["name", "role", "org", "project", "env", "expiresAt", "revokedAt"] as const;

function sameToken(a: TokenRecord, b: TokenRecord): boolean {
  return TOKEN_FIELDS.every((field) => a[field] === b[field]);
}

/** Adds what the seed has and the state lacks. Returns whether anything changed. */
export function applySeed(state: State, seed: ParsedSeed, now = new Date().toISOString()): boolean {
  let changed = false;
  for (const [i, token] of (seed.tokens ?? []).entries()) {
    // Tokens are configuration: the seed's role and scope win (the same seed is still a no-op).
    const existing = state.tokens.get(hashToken(token.token));
    const { token: secret, name, ...rest } = token;
    const record = tokenRecord(
      { token: secret, name: name ?? existing?.name ?? `seed token ${i + 1}`, ...rest },
      existing?.createdAt ?? now,
      existing?.id,
    );
    if (existing?.revokedAt !== undefined) record.revokedAt = existing.revokedAt;
    if (!existing || !sameToken(existing, record)) {
      state.tokens.set(record.hash, record);
      changed = true;
    }
  }
  for (const [orgSlug, orgSeed] of seed.orgs ?? []) {
    let org = state.orgs.get(orgSlug);
    if (!org) {
      org = { projects: new Map() };
      state.orgs.set(orgSlug, org);
      changed = true;
    }
    for (const [projectSlug, projectSeed] of orgSeed.projects ?? []) {
      let project = org.projects.get(projectSlug);
      if (!project) {
        project = { environments: new Map(), templates: [] };
        org.projects.set(projectSlug, project);
        changed = true;
      }
      for (const [envSlug, secrets] of projectSeed.environments ?? []) {
        let env = project.environments.get(envSlug);
        if (!env) {
          env = { secrets: new Map() };
          project.environments.set(envSlug, env);
          changed = true;
        }
        for (const [key, entry] of secrets) {
          if (env.secrets.has(key)) continue;
          const value = typeof entry === "string" ? entry : entry.value;
          const description = typeof entry === "string" ? undefined : entry.description;
          env.secrets.set(
            key,
            description === undefined
              ? { value, version: 1, updatedAt: now }
              : { value, version: 1, updatedAt: now, description },
          );
          changed = true;
        }
      }
      for (const template of projectSeed.templates ?? []) {
        if (project.templates.some((t) => t.key === template.key)) continue;
        project.templates.push({
          id: newTemplateId(),
          key: template.key,
          description: template.description ?? null,
          required: template.required ?? true,
          createdAt: now,
        });
        changed = true;
      }
    }
  }
  return changed;
}
