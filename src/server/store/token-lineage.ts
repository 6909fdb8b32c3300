// Who created which token: a created token never outlives its creator, and revoking a token
// revokes what it created (docs/design/server.md, "Token lifecycle").
import { ApiError } from "./errors.js";
import type { TokenRecord } from "./model.js";

/**
 * The expiry a new token gets: the one asked for, or the creator's when none was asked for.
 * Asking for more than the creator has is refused, so a short-lived admin token cannot mint a
 * permanent one.
 */
export function boundedExpiry(
  creator: Pick<TokenRecord, "expiresAt" | "id">,
  requested: string | undefined,
): string | undefined {
  if (creator.expiresAt === undefined) return requested;
  if (requested === undefined) return creator.expiresAt;
  if (Date.parse(requested) > Date.parse(creator.expiresAt)) {
    throw new ApiError(
      "validation_error",
      `expiresAt must not be later than the expiry of the token creating it (${creator.expiresAt}); ask for an earlier expiresAt, or create it with a token that lives longer`,
    );
  }
  return requested;
}

/** Every token created by `id`, directly or through tokens it created, in creation order. */
export function descendants(tokens: Iterable<TokenRecord>, id: string): TokenRecord[] {
  const all = [...tokens];
  const found: TokenRecord[] = [];
  const seen = new Set([id]);
  for (let queue = [id]; queue.length > 0;) {
    const parent = queue.shift()!;
    for (const record of all) {
      if (record.createdBy === parent && !seen.has(record.id)) {
        seen.add(record.id);
        found.push(record);
        queue.push(record.id);
      }
    }
  }
  return found;
}
