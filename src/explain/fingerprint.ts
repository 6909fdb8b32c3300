// A value's fingerprint for `secr-run explain`: its length and the first 8 hex digits of an
// HMAC-SHA256 under a key derived from the token. The same value gives the same fingerprint on
// every run and machine with that token (so two people can see they hold the same DATABASE_URL),
// and without the token the 32 bits cannot be tested against guesses, so even a short value (a
// PIN, a port) is not confirmed by its fingerprint. See docs/design/insights.md.
import { createHmac, hkdfSync } from "node:crypto";

/** Fixed: changing it changes every fingerprint. Distinct from the snapshot key's label. */
const LABEL = "secr-run explain fingerprint v1";
const SALT = Buffer.from("secr-run", "utf8");

export type FingerprintKey = Buffer & { readonly __fingerprintKey: true };

export function fingerprintKey(token: string): FingerprintKey {
  return Buffer.from(
    hkdfSync("sha256", Buffer.from(token, "utf8"), SALT, Buffer.from(LABEL, "utf8"), 32),
  ) as FingerprintKey;
}

export interface Fingerprint {
  /** UTF-8 bytes of the value. */
  length: number;
  /** First 8 hex digits of HMAC-SHA256(key, value). */
  hmac: string;
}

export function fingerprint(key: FingerprintKey, value: string): Fingerprint {
  return {
    length: Buffer.byteLength(value, "utf8"),
    hmac: createHmac("sha256", key).update(value, "utf8").digest("hex").slice(0, 8),
  };
}

/** `32:1a2b3c4d`, the column explain prints. */
export function formatFingerprint({ length, hmac }: Fingerprint): string {
  return `${length}:${hmac}`;
}
