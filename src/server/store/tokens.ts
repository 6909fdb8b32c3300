// Token records: a token is stored only as its sha256 hash, with a role and a scope.
import { createHash, randomBytes } from "node:crypto";
import type { Role, TokenRecord } from "./model.js";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateAdminToken(): string {
  return `secr_cli_${randomBytes(20).toString("hex")}`;
}

export function tokenRecord(token: string, role: Role, env?: string): TokenRecord {
  return env === undefined ? { hash: hashToken(token), role } : { hash: hashToken(token), role, env };
}
