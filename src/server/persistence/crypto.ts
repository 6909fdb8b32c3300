// The data file's envelope: AES-256-GCM with a fresh random IV per write.
//   magic "SECRSRV1" (8) | key id (8) | iv (12) | tag (16) | ciphertext
// The key id (a keyed hash of a constant) tells "encrypted under another key" apart from
// "corrupt or tampered"; magic and key id are authenticated as additional data.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const MAGIC = Buffer.from("SECRSRV1", "ascii");
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

export class DataFileError extends Error {
  constructor(
    message: string,
    readonly reason: "corrupt" | "wrong_key",
  ) {
    super(message);
    this.name = "DataFileError";
  }
}

function keyId(key: Buffer): Buffer {
  return createHmac("sha256", key).update("secr-run serve key id v1").digest().subarray(0, KEY_ID_BYTES);
}

export function seal(plaintext: string, key: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const aad = Buffer.concat([MAGIC, keyId(key)]);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([aad, iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts and authenticates; throws DataFileError naming what is wrong. */
export function open(file: Buffer, key: Buffer, path: string): string {
  if (file.length < HEADER_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DataFileError(`${path} is not a secr-run serve data file (corrupt or foreign)`, "corrupt");
  }
  const storedKeyId = file.subarray(MAGIC.length, MAGIC.length + KEY_ID_BYTES);
  if (!storedKeyId.equals(keyId(key))) {
    throw new DataFileError(
      `${path} was encrypted under a different key (check SECR_SERVE_KEY / --key-file)`,
      "wrong_key",
    );
  }
  const ivStart = MAGIC.length + KEY_ID_BYTES;
  const iv = file.subarray(ivStart, ivStart + IV_BYTES);
  const tag = file.subarray(ivStart + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(file.subarray(0, ivStart));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(file.subarray(HEADER_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new DataFileError(`${path} failed authentication: the file is corrupt or has been tampered with`, "corrupt");
  }
}

/** The key's public id (8 bytes); also written in journal headers. */
export function keyIdOf(key: Buffer): Buffer {
  return keyId(key);
}

/** AES-256-GCM with caller-given additional data: iv (12) | tag (16) | ciphertext. */
export function sealWith(plaintext: Buffer, key: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext, or undefined when the bytes do not authenticate under this key and aad. */
export function openWith(sealed: Buffer, key: Buffer, aad: Buffer): Buffer | undefined {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
