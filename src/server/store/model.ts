// In-memory state of the server and its (de)serialisation. Maps everywhere: keys are
// user-chosen strings and must never collide with Object.prototype (`__proto__`, `constructor`).
import { z } from "zod";

export type Role = "admin" | "viewer";

export interface SecretRecord {
  /** null once soft-deleted: a deleted value is not kept on disk. */
  value: string | null;
  version: number;
  updatedAt: string;
  description?: string;
  deleted?: true;
}

export interface TemplateRecord {
  id: string;
  key: string;
  description: string | null;
  required: boolean;
  createdAt: string;
}

export interface Environment {
  secrets: Map<string, SecretRecord>;
}

export interface Project {
  environments: Map<string, Environment>;
  templates: TemplateRecord[];
}

export interface Org {
  projects: Map<string, Project>;
}

/**
 * Where a token may act. Each level narrows the one before: a project needs an org, an
 * environment needs a project (an env slug alone would match that env in every project).
 */
export interface TokenScope {
  org?: string;
  project?: string;
  env?: string;
}

export interface TokenRecord extends TokenScope {
  /** Public handle (list, revoke); never the token. */
  id: string;
  /** sha256 hex of the token: tokens are never stored in clear. */
  hash: string;
  name: string;
  role: Role;
  createdAt: string;
  /** ISO-8601; from then on the token is refused (401). */
  expiresAt?: string;
  /** Set once revoked: refused (401) for good, kept so the list shows what happened. */
  revokedAt?: string;
  /** Id of the token that created this one through the API; absent for seeded and startup tokens. */
  createdBy?: string;
}

export interface State {
  orgs: Map<string, Org>;
  tokens: Map<string, TokenRecord>;
}

export function emptyState(): State {
  return { orgs: new Map(), tokens: new Map() };
}

// On-disk (inside the encryption) JSON layout: entries arrays instead of objects.
const secretJson = z.object({
  value: z.string().nullable(),
  version: z.number().int().min(1),
  updatedAt: z.string(),
  description: z.string().optional(),
  deleted: z.literal(true).optional(),
});
const templateJson = z.object({
  id: z.string(),
  key: z.string(),
  description: z.string().nullable(),
  required: z.boolean(),
  createdAt: z.string(),
});
const tokenJson = z.object({
  id: z.string(),
  hash: z.string(),
  name: z.string(),
  role: z.enum(["admin", "viewer"]),
  org: z.string().optional(),
  project: z.string().optional(),
  env: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
  createdBy: z.string().optional(),
});
// Format 1 stored tokens with an env scope but no org or project.
const tokenJsonV1 = z.object({ hash: z.string(), role: z.enum(["admin", "viewer"]), env: z.string().optional() });
const stateJson = z.object({
  format: z.union([z.literal(1), z.literal(2)]),
  tokens: z.array(z.union([tokenJson, tokenJsonV1])),
  orgs: z.array(
    z.tuple([
      z.string(),
      z.array(
        z.tuple([
          z.string(),
          z.object({
            environments: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), secretJson]))])),
            templates: z.array(templateJson),
          }),
        ]),
      ),
    ]),
  ),
});

export function serializeState(state: State): string {
  const orgs = [...state.orgs].map(([orgSlug, org]) => [
    orgSlug,
    [...org.projects].map(([projectSlug, project]) => [
      projectSlug,
      {
        environments: [...project.environments].map(([envSlug, env]) => [envSlug, [...env.secrets]]),
        templates: project.templates,
      },
    ]),
  ]);
  return JSON.stringify({ format: 2, tokens: [...state.tokens.values()], orgs });
}

/** A format-1 token: an env scope without org and project would match that env everywhere, so it is revoked. */
function upgradeToken(token: z.infer<typeof tokenJsonV1>, now: string): TokenRecord {
  const record: TokenRecord = {
    id: `tok_${token.hash.slice(0, 16)}`,
    hash: token.hash,
    name: "from format 1",
    role: token.role,
    createdAt: now,
  };
  if (token.env !== undefined) Object.assign(record, { env: token.env, revokedAt: now });
  return record;
}

/** Throws when the text is not a state this version (or the one before) wrote. */
export function deserializeState(text: string, now = new Date().toISOString()): State {
  const parsed = stateJson.parse(JSON.parse(text));
  const state = emptyState();
  for (const token of parsed.tokens)
    state.tokens.set(token.hash, "id" in token ? (token as TokenRecord) : upgradeToken(token, now));
  for (const [orgSlug, projects] of parsed.orgs) {
    const org: Org = { projects: new Map() };
    for (const [projectSlug, project] of projects) {
      const environments = new Map<string, Environment>();
      for (const [envSlug, secrets] of project.environments) {
        environments.set(envSlug, { secrets: new Map(secrets as [string, SecretRecord][]) });
      }
      org.projects.set(projectSlug, { environments, templates: project.templates });
    }
    state.orgs.set(orgSlug, org);
  }
  return state;
}
