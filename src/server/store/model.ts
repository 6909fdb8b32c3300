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

export interface TokenRecord {
  /** sha256 hex of the token: tokens are never stored in clear. */
  hash: string;
  role: Role;
  /** A machine token limited to this environment slug. */
  env?: string;
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
const stateJson = z.object({
  format: z.literal(1),
  tokens: z.array(z.object({ hash: z.string(), role: z.enum(["admin", "viewer"]), env: z.string().optional() })),
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
  return JSON.stringify({ format: 1, tokens: [...state.tokens.values()], orgs });
}

/** Throws when the text is not a state this version wrote. */
export function deserializeState(text: string): State {
  const parsed = stateJson.parse(JSON.parse(text));
  const state = emptyState();
  for (const token of parsed.tokens) state.tokens.set(token.hash, token);
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
