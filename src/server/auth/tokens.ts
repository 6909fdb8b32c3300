// Bearer tokens: stored as sha256 hashes, each with a role and an optional environment scope.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError } from "../store/errors.js";
import type { Role, TokenRecord } from "../store/model.js";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateAdminToken(): string {
  return `secr_cli_${randomBytes(20).toString("hex")}`;
}

export function tokenRecord(token: string, role: Role, env?: string): TokenRecord {
  return env === undefined ? { hash: hashToken(token), role } : { hash: hashToken(token), role, env };
}

/** 401 unless the Authorization header carries a known bearer token. */
export function authenticate(headers: IncomingHttpHeaders, lookup: (hash: string) => TokenRecord | undefined): TokenRecord {
  const header = headers.authorization;
  if (!header) throw new ApiError("unauthorized", "missing Authorization: Bearer token");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError("unauthorized", "Authorization header must be \"Bearer <token>\"");
  const record = lookup(hashToken(match[1]!));
  if (!record) throw new ApiError("unauthorized", "unknown or revoked token");
  return record;
}

export interface Access {
  /** The request changes data. */
  write: boolean;
  /**
   * The environments the request touches; [] for project metadata any token may read
   * (templates), "project" for project-wide changes an env-scoped token may not make.
   */
  envs: string[] | "project";
}

/** 403 when the role or the environment scope does not cover the request. */
export function authorize(token: TokenRecord, access: Access): void {
  if (access.write && token.role !== "admin") throw new ApiError("forbidden", "this token is read-only (viewer role)");
  if (token.env === undefined) return;
  if (access.envs === "project") {
    throw new ApiError("forbidden", `this token is limited to environment "${token.env}"`);
  }
  for (const env of access.envs) {
    if (env !== token.env) throw new ApiError("forbidden", `this token is limited to environment "${token.env}"`);
  }
}
