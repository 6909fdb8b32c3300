// What a write touched, how to undo it in memory, and the journal operations that replay it.
// Operations carry the touched items' state after the batch (post-images), so replaying one is
// idempotent and needs nothing of the batch's history. Undo keeps the items' state before the
// change (references: a secret record is replaced on write, never changed in place).
import type { Environment, SecretRecord, State, TemplateRecord, TokenRecord } from "../store/model.js";

export type Touch =
  | { kind: "keys"; org: string; project: string; env: string; keys: string[] }
  | { kind: "env"; org: string; project: string; env: string }
  | { kind: "project"; org: string; project: string }
  | { kind: "tokens" };

export type Op =
  | ["tokens", TokenRecord[]]
  | ["project", string, string, { templates: TemplateRecord[]; envs: string[] } | null]
  | ["env", string, string, string, [string, SecretRecord][]]
  | ["keys", string, string, string, [string, SecretRecord | null][]];

export interface Change {
  touches: Touch[];
  undo(): void;
  /** Per project touched: its environments before the change (to tell new ones apart). */
  envsBefore: Map<string, Set<Environment>>;
}

const projectKey = (org: string, project: string) => JSON.stringify([org, project]);

function findEnv(state: State, org: string, project: string, env: string): Environment | undefined {
  return state.orgs.get(org)?.projects.get(project)?.environments.get(env);
}

/** Call before the change is applied. */
export function capture(state: State, touches: Touch[]): Change {
  const undos: (() => void)[] = [];
  const envsBefore = new Map<string, Set<Environment>>();
  for (const touch of touches) {
    if (touch.kind === "keys") {
      const env = findEnv(state, touch.org, touch.project, touch.env);
      if (env === undefined) continue;
      const before = touch.keys.map((key) => [key, env.secrets.get(key)] as const);
      undos.push(() => {
        for (const [key, record] of before) {
          if (record === undefined) env.secrets.delete(key);
          else env.secrets.set(key, record);
        }
      });
    } else if (touch.kind === "env") {
      const env = findEnv(state, touch.org, touch.project, touch.env);
      if (env === undefined) continue;
      const before = new Map(env.secrets);
      undos.push(() => void (env.secrets = before));
    } else if (touch.kind === "project") {
      const org = state.orgs.get(touch.org);
      const project = org?.projects.get(touch.project);
      envsBefore.set(projectKey(touch.org, touch.project), new Set(project?.environments.values() ?? []));
      if (org === undefined) {
        undos.push(() => void state.orgs.delete(touch.org));
      } else if (project === undefined) {
        undos.push(() => void org.projects.delete(touch.project));
      } else {
        const templates = [...project.templates];
        const environments = new Map(project.environments);
        undos.push(() => {
          project.templates = templates;
          project.environments = environments;
        });
      }
    } else {
      const before = new Map([...state.tokens].map(([hash, record]) => [hash, { ...record }]));
      undos.push(() => void (state.tokens = before));
    }
  }
  return { touches, envsBefore, undo: () => undos.reverse().forEach((undo) => undo()) };
}

/** The operations bringing a replayed state to this one for everything a batch touched. */
export function postImages(state: State, batch: Change[]): Op[] {
  let tokens = false;
  const projects = new Map<string, [string, string]>();
  const envsBefore = new Map<string, Set<Environment>>();
  const envs = new Map<string, [string, string, string]>();
  const keys = new Map<string, { ref: [string, string, string]; keys: Set<string> }>();
  for (const change of batch) {
    for (const [name, before] of change.envsBefore) if (!envsBefore.has(name)) envsBefore.set(name, before);
    for (const touch of change.touches) {
      if (touch.kind === "tokens") tokens = true;
      else if (touch.kind === "project") projects.set(projectKey(touch.org, touch.project), [touch.org, touch.project]);
      else {
        const ref: [string, string, string] = [touch.org, touch.project, touch.env];
        const name = JSON.stringify(ref);
        if (touch.kind === "env") envs.set(name, ref);
        else {
          const entry = keys.get(name) ?? { ref, keys: new Set() };
          for (const key of touch.keys) entry.keys.add(key);
          keys.set(name, entry);
        }
      }
    }
  }
  const ops: Op[] = [];
  if (tokens) ops.push(["tokens", [...state.tokens.values()]]);
  for (const [name, [org, project]] of projects) {
    const found = state.orgs.get(org)?.projects.get(project);
    ops.push([
      "project",
      org,
      project,
      found ? { templates: found.templates, envs: [...found.environments.keys()] } : null,
    ]);
    // An environment created (or deleted and created again) in this batch is written whole.
    const before = envsBefore.get(name) ?? new Set();
    for (const [slug, env] of found?.environments ?? [])
      if (!before.has(env)) envs.set(JSON.stringify([org, project, slug]), [org, project, slug]);
  }
  for (const [org, project, slug] of envs.values()) {
    const env = findEnv(state, org, project, slug);
    if (env !== undefined) ops.push(["env", org, project, slug, [...env.secrets]]);
  }
  for (const { ref, keys: names } of keys.values()) {
    const env = findEnv(state, ...ref);
    // Gone: the environment was deleted in this batch, and its project operation says so.
    if (env !== undefined)
      ops.push([
        "keys",
        ...ref,
        [...names].map((key) => [key, env.secrets.get(key) ?? null] as [string, SecretRecord | null]),
      ]);
  }
  return ops;
}

class ReplayError extends Error {}

/** Applies replayed operations; throws when one does not fit the state (never written so). */
export function applyOps(state: State, ops: Op[]): void {
  if (!Array.isArray(ops)) throw new ReplayError("not a list of operations");
  for (const op of ops) {
    switch (op[0]) {
      case "tokens":
        state.tokens = new Map(op[1].map((record) => [record.hash, record]));
        break;
      case "project": {
        const [, orgSlug, slug, meta] = op;
        let org = state.orgs.get(orgSlug);
        if (meta === null) {
          org?.projects.delete(slug);
          break;
        }
        if (org === undefined) state.orgs.set(orgSlug, (org = { projects: new Map() }));
        let project = org.projects.get(slug);
        if (project === undefined) org.projects.set(slug, (project = { environments: new Map(), templates: [] }));
        project.templates = meta.templates;
        const environments = new Map<string, Environment>();
        for (const env of meta.envs) environments.set(env, project.environments.get(env) ?? { secrets: new Map() });
        project.environments = environments;
        break;
      }
      case "env": {
        const env = findEnv(state, op[1], op[2], op[3]);
        if (env === undefined) throw new ReplayError(`environment ${op[1]}/${op[2]}/${op[3]} missing`);
        env.secrets = new Map(op[4]);
        break;
      }
      case "keys": {
        const env = findEnv(state, op[1], op[2], op[3]);
        if (env === undefined) throw new ReplayError(`environment ${op[1]}/${op[2]}/${op[3]} missing`);
        for (const [key, record] of op[4]) {
          if (record === null) env.secrets.delete(key);
          else env.secrets.set(key, record);
        }
        break;
      }
      default:
        throw new ReplayError("unknown operation");
    }
  }
}
