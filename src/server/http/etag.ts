// Entity tags of read answers, for cheap polling: a client sends If-None-Match with the tag it
// has and gets 304 without a body while nothing changed. The tag is a hash of the answer's
// bytes, so it changes with any change of any secret in it (value, version, description,
// a key added or removed), survives restarts, and is right after a rolled-back write.
import { createHash } from "node:crypto";

// Answers are reused from the read cache as the same Buffer: hash each one once.
const tags = new WeakMap<Buffer, string>();

export function etagOf(payload: Buffer): string {
  let tag = tags.get(payload);
  if (tag === undefined) {
    tag = `"${createHash("sha256").update(payload).digest("base64url").slice(0, 32)}"`;
    tags.set(payload, tag);
  }
  return tag;
}

/** If-None-Match matches: "*" or any listed tag, weak or strong (RFC 9110 weak comparison). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || strip(tag) === etag);
}
