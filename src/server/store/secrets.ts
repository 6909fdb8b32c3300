// Secret operations on the in-memory state. Pure apart from the clock: callers persist
// afterwards. Every mutating operation validates everything before touching anything,
// so a rejected request has no partial effect.
import { ApiError } from "./errors.js";
import { findEnv, findEnvironment, findProject } from "./lookup.js";
import type { Environment, SecretRecord, State } from "./model.js";
import { filterByKey, paginate, type PageRequest, type Pagination } from "./paginate.js";
import { checkDescription, checkKey, checkValue } from "./rules.js";

export interface SecretMeta {
  key: string;
  version: number;
  updatedAt: string;
  description?: string;
}
export interface Secret extends SecretMeta {
  value: string;
}

export interface EnvRef {
  org: string;
  project: string;
  env: string;
}

type Active = SecretRecord & { value: string };

/** Active (not soft-deleted) secrets, sorted by key so pages are stable. */
export function activeSecrets(env: Environment): [string, Active][] {
  const out: [string, Active][] = [];
  for (const [key, record] of env.secrets)
    if (!record.deleted && record.value !== null) out.push([key, record as Active]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function meta(key: string, record: SecretRecord): SecretMeta {
  const out: SecretMeta = { key, version: record.version, updatedAt: record.updatedAt };
  if (record.description !== undefined) out.description = record.description;
  return out;
}

function secret(key: string, record: Active): Secret {
  // Built in one literal (no spread): this runs once per key on every uncached pull.
  return record.description === undefined
    ? { key, value: record.value, version: record.version, updatedAt: record.updatedAt }
    : {
        key,
        value: record.value,
        version: record.version,
        updatedAt: record.updatedAt,
        description: record.description,
      };
}

export function listSecrets(
  state: State,
  ref: EnvRef,
  page: PageRequest,
): { secrets: Secret[]; pagination?: Pagination } {
  const all = activeSecrets(findEnv(state, ref.org, ref.project, ref.env)).map(([key, r]) => secret(key, r));
  const { items, pagination } = paginate(filterByKey(all, page.search), page);
  return pagination ? { secrets: items, pagination } : { secrets: items };
}

export function listKeys(
  state: State,
  ref: EnvRef,
  page: PageRequest,
): { keys: SecretMeta[]; pagination?: Pagination } {
  const all = activeSecrets(findEnv(state, ref.org, ref.project, ref.env)).map(([key, r]) => meta(key, r));
  const { items, pagination } = paginate(filterByKey(all, page.search), page);
  return pagination ? { keys: items, pagination } : { keys: items };
}

export interface SecretInput {
  key: string;
  value: string;
  description?: string;
}

function checkInput(input: SecretInput): void {
  checkKey(input.key);
  checkValue(input.key, input.value);
  if (input.description !== undefined) checkDescription(input.description);
}

/**
 * Create or update one key. Versions count every write of the key, including writes of
 * the same value. A soft-deleted key set again continues its numbering (deleted at v3 →
 * re-created as v4), so a version number never names two different values.
 */
function write(env: Environment, input: SecretInput, now: string): "created" | "updated" {
  const existing = env.secrets.get(input.key);
  const created = !existing || existing.deleted === true;
  const record: SecretRecord = { value: input.value, version: (existing?.version ?? 0) + 1, updatedAt: now };
  const description = input.description ?? (created ? undefined : existing?.description);
  if (description !== undefined) record.description = description;
  env.secrets.set(input.key, record);
  return created ? "created" : "updated";
}

export function putSecret(
  state: State,
  ref: EnvRef,
  input: SecretInput,
  now = new Date().toISOString(),
): { key: string; version: number } {
  const env = findEnv(state, ref.org, ref.project, ref.env);
  checkInput(input);
  write(env, input, now);
  return { key: input.key, version: env.secrets.get(input.key)!.version };
}

/** All or nothing: every entry is checked before the first is written. */
export function bulkSecrets(state: State, ref: EnvRef, inputs: SecretInput[], now = new Date().toISOString()) {
  const env = findEnv(state, ref.org, ref.project, ref.env);
  inputs.forEach(checkInput);
  let created = 0;
  let updated = 0;
  for (const input of inputs) {
    if (write(env, input, now) === "created") created++;
    else updated++;
  }
  return { created, updated, total: inputs.length };
}

export function deleteSecret(state: State, ref: EnvRef, key: string, now = new Date().toISOString()) {
  const env = findEnv(state, ref.org, ref.project, ref.env);
  checkKey(key);
  const existing = env.secrets.get(key);
  if (!existing || existing.deleted)
    throw new ApiError("not_found", `key "${key}" not found in environment "${ref.env}"`);
  // Soft delete: keep the version counter, drop the value so it no longer sits on disk.
  env.secrets.set(key, { value: null, version: existing.version, updatedAt: now, deleted: true });
  return { deleted: true as const, key };
}

export interface PromoteInput {
  fromEnv: string;
  toEnv: string;
  keys?: string[];
  overwrite?: boolean;
}

export function promoteSecrets(
  state: State,
  org: string,
  projectSlug: string,
  input: PromoteInput,
  now = new Date().toISOString(),
) {
  if (input.fromEnv === input.toEnv) throw new ApiError("bad_request", "fromEnv and toEnv must differ");
  const project = findProject(state, org, projectSlug);
  const from = findEnvironment(project, org, projectSlug, input.fromEnv);
  const to = findEnvironment(project, org, projectSlug, input.toEnv);
  let source = activeSecrets(from);
  if (input.keys !== undefined) {
    const wanted = new Set(input.keys);
    const present = new Set(source.map(([key]) => key));
    for (const key of wanted) {
      if (!present.has(key))
        throw new ApiError("not_found", `key "${key}" not found in environment "${input.fromEnv}"`);
    }
    source = source.filter(([key]) => wanted.has(key));
  }
  let created = 0;
  let updated = 0;
  let skipped = 0;
  for (const [key, record] of source) {
    const target = to.secrets.get(key);
    const exists = target !== undefined && !target.deleted;
    if (exists && !input.overwrite) {
      skipped++;
      continue;
    }
    const description = record.description;
    if (
      write(
        to,
        description === undefined ? { key, value: record.value } : { key, value: record.value, description },
        now,
      ) === "created"
    )
      created++;
    else updated++;
  }
  return { promoted: created + updated, created, updated, skipped };
}
