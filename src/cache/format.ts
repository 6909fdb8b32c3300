// The snapshot file layout, version 1 (all of it is authenticated by AES-GCM):
//
//   offset  size  field
//   0       8     magic "SECRSNAP"
//   8       1     format version (1)
//   9       1     flags (bit 0: a passphrase was mixed into the key)
//   10      16    HKDF salt (random per file)
//   26      12    AES-GCM IV (random per write)
//   38      n     ciphertext of the JSON payload
//   38+n    16    AES-GCM tag
//
// A new layout gets a new version byte; readers report unknown versions instead of guessing.

export const MAGIC = Buffer.from("SECRSNAP", "latin1");
export const FORMAT_VERSION = 1;
export const FLAG_PASSPHRASE = 0b1;
export const SALT_BYTES = 16;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + 2 + SALT_BYTES + IV_BYTES;

export interface SnapshotHeader {
  version: number;
  flags: number;
  salt: Buffer;
  iv: Buffer;
}

export function encodeHeader({ version, flags, salt, iv }: SnapshotHeader): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([version, flags]), salt, iv]);
}

export type ParsedFile =
  | { ok: true; header: SnapshotHeader; headerBytes: Buffer; ciphertext: Buffer; tag: Buffer }
  | { ok: false; reason: "corrupt" | "unknown_version"; message: string };

/** Splits a file into its parts without any crypto; says precisely what is wrong with it. */
export function parseFile(file: Buffer): ParsedFile {
  if (file.length < MAGIC.length || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { ok: false, reason: "corrupt", message: "not a secr-run snapshot (bad magic)" };
  }
  if (file.length < MAGIC.length + 1) return { ok: false, reason: "corrupt", message: "truncated header" };
  const version = file[MAGIC.length]!;
  if (version !== FORMAT_VERSION) {
    return { ok: false, reason: "unknown_version", message: `unknown snapshot format version ${version}` };
  }
  if (file.length < HEADER_BYTES + TAG_BYTES) return { ok: false, reason: "corrupt", message: "truncated file" };
  const flags = file[MAGIC.length + 1]!;
  if ((flags & ~FLAG_PASSPHRASE) !== 0) return { ok: false, reason: "corrupt", message: "unknown header flags" };
  const saltStart = MAGIC.length + 2;
  const ivStart = saltStart + SALT_BYTES;
  return {
    ok: true,
    header: { version, flags, salt: file.subarray(saltStart, ivStart), iv: file.subarray(ivStart, HEADER_BYTES) },
    headerBytes: file.subarray(0, HEADER_BYTES),
    ciphertext: file.subarray(HEADER_BYTES, file.length - TAG_BYTES),
    tag: file.subarray(file.length - TAG_BYTES),
  };
}
