// Which token a request carries, as an identifier that cannot be turned back into the token:
// HMAC-SHA256 under a key drawn at process start and never written anywhere. A cache entry
// holds this, never the token (docs/guide/fleet.md, "Isolation"). Fixed length, so two tokens can
// never produce overlapping cache keys.
import { createHmac, randomBytes } from "node:crypto";

export type TokenId = string & { readonly __tokenId: unique symbol };

export function tokenHasher(key: Buffer = randomBytes(32)): (token: string) => TokenId {
  return (token) => createHmac("sha256", key).update(token).digest("base64url") as TokenId;
}

/** The bearer token of an Authorization header, or undefined when there is none usable. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim());
  return match?.[1];
}
