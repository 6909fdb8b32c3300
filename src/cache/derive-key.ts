// The AES-256 key of one snapshot file.
//
// The token is a long random credential, so HKDF-SHA256 (microseconds) is enough for it:
// stretching cannot make guessing 128+ random bits any harder, and this runs on every start
// that reads a snapshot. A passphrase is chosen by a human and may be guessable, so it goes
// through scrypt (memory-hard, tens of ms) to make offline guessing against a stolen file
// expensive; that cost is paid only by users who ask for a passphrase.

import { hkdfSync, scrypt } from "node:crypto";
import { promisify } from "node:util";
import { canonicalLocator, hasPassphrase, type SnapshotIdentity } from "./identity.js";

// Promisified on use: reading crypto.scrypt at load would load node:crypto on every start.
const scryptAsync = (password: string, salt: Buffer, keylen: number, options: object): Promise<Buffer> =>
  (promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>)(
    password,
    salt,
    keylen,
    options,
  );

/** Fixed by format version 1 (not read from the file, so a tampered header cannot raise the cost). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;

export async function deriveKey(identity: SnapshotIdentity, salt: Buffer, version: number): Promise<Buffer> {
  const token = Buffer.from(identity.token, "utf8");
  // Length-prefix the token so (token, passphrase-derived bytes) cannot be re-split differently.
  const parts = [u32(token.length), token];
  if (hasPassphrase(identity)) {
    parts.push(await scryptAsync(identity.passphrase, salt, KEY_BYTES, SCRYPT_PARAMS));
  }
  const info = Buffer.concat([Buffer.from(`secr-run snapshot key v${version}\0`, "utf8"), canonicalLocator(identity)]);
  // HKDF takes microseconds: synchronous avoids a thread-pool round trip on the start path.
  return Buffer.from(hkdfSync("sha256", Buffer.concat(parts), salt, info, KEY_BYTES));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
