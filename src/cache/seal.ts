// Encrypts a snapshot into file bytes and back (crypto only, no fs).
// AES-256-GCM with a fresh random IV and salt per write. The additional authenticated data is
// the header plus the (apiUrl, org, project, env) locator, so a file copied from another
// environment or org, or sealed with another token or passphrase, fails authentication.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { deriveKey } from "./derive-key.js";
import { FLAG_PASSPHRASE, FORMAT_VERSION, IV_BYTES, SALT_BYTES, TAG_BYTES, encodeHeader, parseFile } from "./format.js";
import { canonicalLocator, hasPassphrase, type SnapshotIdentity } from "./identity.js";
import { parsePayload, serializePayload, type SnapshotData } from "./payload.js";

export type UnreadableReason =
  | "corrupt" // not a snapshot, truncated, or a payload we cannot parse
  | "unknown_version" // written by another (future) format
  | "passphrase_required" // sealed with a passphrase, none given
  | "passphrase_unexpected" // sealed without a passphrase, one given
  | "wrong_key" // authentication failed: another token, passphrase or identity, or tampered bytes
  | "io_error" // the file exists but cannot be read
  | "unsafe"; // the directory or what sits at the file's name fails the checks writing applies

export type OpenResult = { ok: true; data: SnapshotData } | { ok: false; reason: UnreadableReason; message: string };

export async function sealSnapshot(identity: SnapshotIdentity, data: SnapshotData): Promise<Buffer> {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const flags = hasPassphrase(identity) ? FLAG_PASSPHRASE : 0;
  const header = encodeHeader({ version: FORMAT_VERSION, flags, salt, iv });
  const key = await deriveKey(identity, salt, FORMAT_VERSION);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([header, canonicalLocator(identity)]));
  const ciphertext = Buffer.concat([cipher.update(serializePayload(data)), cipher.final()]);
  return Buffer.concat([header, ciphertext, cipher.getAuthTag()]);
}

export async function openSnapshot(identity: SnapshotIdentity, file: Buffer): Promise<OpenResult> {
  const parsed = parseFile(file);
  if (!parsed.ok) return parsed;
  const { header, headerBytes, ciphertext, tag } = parsed;
  const sealedWithPassphrase = (header.flags & FLAG_PASSPHRASE) !== 0;
  // The flag only sharpens the message; the key decides (a forged flag just fails to decrypt).
  if (sealedWithPassphrase && !hasPassphrase(identity)) {
    return {
      ok: false,
      reason: "passphrase_required",
      message: "snapshot was written with a passphrase and none was given",
    };
  }
  if (!sealedWithPassphrase && hasPassphrase(identity)) {
    return {
      ok: false,
      reason: "passphrase_unexpected",
      message: "snapshot was written without a passphrase but one was given",
    };
  }
  const key = await deriveKey(identity, header.salt, header.version);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, header.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([headerBytes, canonicalLocator(identity)]));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return {
      ok: false,
      reason: "wrong_key",
      message: "snapshot does not decrypt: written with another token or passphrase, or tampered with",
    };
  }
  const data = parsePayload(plaintext);
  if (data === undefined) return { ok: false, reason: "corrupt", message: "snapshot content is malformed" };
  return { ok: true, data };
}
