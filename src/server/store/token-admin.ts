// Token administration: create (the token is shown once), list (never a token or hash),
// revoke. `actor` is the token making the request; an org-scoped admin sees and manages only
// tokens of its org; a created token never outlives its creator and is revoked with it
// (docs/design/server.md, "Token lifecycle").
import { randomBytes } from "node:crypto";
import type { TokenInfo } from "../../client/schemas.js";
import { ApiError } from "./errors.js";
import { findEnvironment, findProject } from "./lookup.js";
import type { Role, State, TokenRecord, TokenScope } from "./model.js";
import { checkName } from "./rules.js";
import { boundedExpiry, descendants } from "./token-lineage.js";
import { scopeOf, scopeProblem, tokenRecord, tokenState } from "./tokens.js";

/** A token as the admin routes show it: `Token` of docs/design/wire-contract-server.md, the same type the client reads it as. */
export type TokenView = TokenInfo;

export function tokenView(record: TokenRecord, now = Date.now()): TokenView {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    org: record.org ?? null,
    project: record.project ?? null,
    env: record.env ?? null,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt ?? null,
    revokedAt: record.revokedAt ?? null,
    state: tokenState(record, now),
    createdBy: record.createdBy ?? null,
  };
}

/** Tokens the actor may see: all for an unscoped admin, its org's for an org admin. */
function visible(actor: TokenRecord, record: TokenRecord): boolean {
  return actor.org === undefined || record.org === actor.org;
}

export interface CreateTokenInput extends TokenScope {
  name: string;
  role: Role;
  expiresAt?: string;
}

export function createToken(
  state: State,
  actor: TokenRecord,
  input: CreateTokenInput,
  now = new Date(),
): TokenView & { token: string } {
  checkName(input.name);
  const problem = scopeProblem(input);
  if (problem !== undefined) throw new ApiError("validation_error", problem);
  // No escalation: an org admin's tokens stay inside its org.
  if (actor.org !== undefined && input.org !== actor.org) {
    throw new ApiError(
      "forbidden",
      `this token may only create tokens for organization "${actor.org}" (set "org": "${actor.org}")`,
    );
  }
  if (input.expiresAt !== undefined && !(Date.parse(input.expiresAt) > now.getTime())) {
    throw new ApiError("validation_error", "expiresAt must be a date-time in the future");
  }
  // A scope naming what does not exist is a typo, not a token for later.
  if (input.project !== undefined) {
    const project = findProject(state, input.org!, input.project);
    if (input.env !== undefined) findEnvironment(project, input.org!, input.project, input.env);
  } else if (input.org !== undefined && !state.orgs.has(input.org)) {
    throw new ApiError("not_found", `organization "${input.org}" not found`);
  }
  const expiresAt = boundedExpiry(actor, input.expiresAt);
  const token = `secr_tok_${randomBytes(20).toString("hex")}`;
  const record = tokenRecord(
    {
      token,
      name: input.name,
      role: input.role,
      ...scopeOf(input),
      ...(expiresAt ? { expiresAt } : {}),
      createdBy: actor.id,
    },
    now.toISOString(),
  );
  state.tokens.set(record.hash, record);
  return { ...tokenView(record, now.getTime()), token };
}

export function listTokens(state: State, actor: TokenRecord, now = Date.now()): { tokens: TokenView[] } {
  const tokens = [...state.tokens.values()]
    .filter((record) => visible(actor, record))
    .map((record) => tokenView(record, now));
  return {
    tokens: tokens.sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
    ),
  };
}

/**
 * Revokes a token and every token it created (directly or not): what a revoked token minted
 * must not keep its access. Revoking twice is fine (the first time stays recorded).
 */
export function revokeToken(
  state: State,
  actor: TokenRecord,
  id: string,
  now = new Date().toISOString(),
): { revoked: true; id: string; alsoRevoked: string[] } {
  const record = [...state.tokens.values()].find((r) => r.id === id && visible(actor, r));
  if (record === undefined) throw new ApiError("not_found", `token "${id}" not found`);
  record.revokedAt ??= now;
  const alsoRevoked: string[] = [];
  for (const child of descendants(state.tokens.values(), id)) {
    if (child.revokedAt !== undefined) continue;
    child.revokedAt = now;
    alsoRevoked.push(child.id);
  }
  return { revoked: true, id, alsoRevoked };
}
