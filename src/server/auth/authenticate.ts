// Authentication: the bearer token of a request, looked up by its hash.
import type { IncomingHttpHeaders } from "node:http";
import { ApiError } from "../store/errors.js";
import type { TokenRecord } from "../store/model.js";
import { hashToken, tokenState } from "../store/tokens.js";

/** 401 unless the Authorization header carries a known, unexpired, unrevoked bearer token. */
export function authenticate(
  headers: IncomingHttpHeaders,
  lookup: (hash: string) => TokenRecord | undefined,
): TokenRecord {
  const header = headers.authorization;
  if (!header) throw new ApiError("unauthorized", "missing Authorization: Bearer token");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError("unauthorized", 'Authorization header must be "Bearer <token>"');
  const record = lookup(hashToken(match[1]!));
  if (!record) throw new ApiError("unauthorized", "unknown token");
  const state = tokenState(record);
  if (state !== "active") throw new ApiError("unauthorized", `this token is ${state}`);
  return record;
}
