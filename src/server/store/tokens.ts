// Token records: a token is stored only as its sha256 hash, with a role and a scope.
import { createHash, randomBytes } from "node:crypto";
import type { Role, TokenRecord, TokenScope } from "./model.js";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateAdminToken(): string {
  return `secr_cli_${randomBytes(20).toString("hex")}`;
}

export function newTokenId(): string {
  return `tok_${randomBytes(8).toString("hex")}`;
}

/** Why a scope is malformed (each level needs the one above), or undefined. */
export function scopeProblem(scope: TokenScope): string | undefined {
  if (scope.env !== undefined && (scope.org === undefined || scope.project === undefined)) {
    return "a token scoped to an environment must also name its org and project";
  }
  if (scope.project !== undefined && scope.org === undefined)
    return "a token scoped to a project must also name its org";
  return undefined;
}

/** The scope fields that are set, and only those (records stay free of `undefined`). */
export function scopeOf(scope: TokenScope): TokenScope {
  const out: TokenScope = {};
  if (scope.org !== undefined) out.org = scope.org;
  if (scope.project !== undefined) out.project = scope.project;
  if (scope.env !== undefined) out.env = scope.env;
  return out;
}

export interface NewToken extends TokenScope {
  token: string;
  role: Role;
  name: string;
  expiresAt?: string;
  createdBy?: string;
}

export function tokenRecord(input: NewToken, now = new Date().toISOString(), id = newTokenId()): TokenRecord {
  const problem = scopeProblem(input);
  if (problem !== undefined) throw new Error(problem);
  const record: TokenRecord = {
    id,
    hash: hashToken(input.token),
    name: input.name,
    role: input.role,
    ...scopeOf(input),
    createdAt: now,
  };
  if (input.expiresAt !== undefined) record.expiresAt = new Date(input.expiresAt).toISOString();
  if (input.createdBy !== undefined) record.createdBy = input.createdBy;
  return record;
}

export type TokenState = "active" | "expired" | "revoked";

export function tokenState(record: TokenRecord, now = Date.now()): TokenState {
  if (record.revokedAt !== undefined) return "revoked";
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) return "expired";
  return "active";
}

/** An active admin token without scope: it can manage everything, including other tokens. */
export function isRootAdmin(record: TokenRecord, now = Date.now()): boolean {
  return record.role === "admin" && record.org === undefined && tokenState(record, now) === "active";
}
