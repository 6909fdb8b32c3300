// The append-only journal that continues a snapshot (docs/design/server.md, "Storage"):
//   header: magic "SECRJRN1" (8) | key id (8) | journal id (16)
//   record: length (u32 BE) | bitwise NOT of length (u32 BE) | iv (12) | tag (16) | ciphertext
// Each record is AES-256-GCM sealed with a fresh IV; its additional data is the journal id and the
// record's sequence number, so a record moved, dropped from the middle or copied from another
// journal fails authentication. Only an incomplete last record (a crash mid-append) is skipped;
// a complete record that does not authenticate is tampering and refuses the whole store.
import { constants } from "node:fs";
import { open as openFile } from "node:fs/promises";
import { dirname } from "node:path";
import { O_NOFOLLOW, writeFileAtomic } from "../../fs/atomic-write.js";
import { DataFileError, keyIdOf, openWith, sealWith } from "./crypto.js";
import { JOURNAL_ID_BYTES, UnsafeDataDirError } from "./data-file.js";

const MAGIC = Buffer.from("SECRJRN1", "ascii");
const RECORD_AAD = Buffer.from("SECRJREC", "ascii");
export const JOURNAL_HEADER_BYTES = MAGIC.length + 8 + JOURNAL_ID_BYTES;
const LENGTH_BYTES = 8;

export function journalHeader(key: Buffer, journalId: Buffer): Buffer {
  return Buffer.concat([MAGIC, keyIdOf(key), journalId]);
}

function recordAad(journalId: Buffer, seq: number): Buffer {
  const aad = Buffer.alloc(RECORD_AAD.length + JOURNAL_ID_BYTES + 8);
  RECORD_AAD.copy(aad, 0);
  journalId.copy(aad, RECORD_AAD.length);
  aad.writeBigUInt64BE(BigInt(seq), RECORD_AAD.length + JOURNAL_ID_BYTES);
  return aad;
}

/** Pure: one sealed record, framed, ready to append. */
export function encodeRecord(plaintext: Buffer, key: Buffer, journalId: Buffer, seq: number): Buffer {
  const sealed = sealWith(plaintext, key, recordAad(journalId, seq));
  const frame = Buffer.alloc(LENGTH_BYTES);
  frame.writeUInt32BE(sealed.length, 0);
  frame.writeUInt32BE(~sealed.length >>> 0, 4);
  return Buffer.concat([frame, sealed]);
}

/** The journal id a journal file names, checking magic and key. */
export function journalIdOf(bytes: Buffer, key: Buffer, path: string): Buffer {
  if (bytes.length < JOURNAL_HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DataFileError(`${path} is not a secr-run serve journal (corrupt or foreign)`, "corrupt");
  }
  if (!bytes.subarray(MAGIC.length, MAGIC.length + 8).equals(keyIdOf(key))) {
    throw new DataFileError(
      `${path} was encrypted under a different key (check SECR_SERVE_KEY / --key-file)`,
      "wrong_key",
    );
  }
  return Buffer.from(bytes.subarray(MAGIC.length + 8, JOURNAL_HEADER_BYTES));
}

export interface ParsedJournal {
  records: Buffer[];
  /** Bytes up to the end of the last complete record. */
  validBytes: number;
  /** An incomplete last record (crash mid-append) follows validBytes. */
  torn: boolean;
}

/** Pure: every record's plaintext, in order; throws DataFileError on anything but a torn tail. */
export function parseJournal(bytes: Buffer, key: Buffer, journalId: Buffer, path: string): ParsedJournal {
  const records: Buffer[] = [];
  let offset = JOURNAL_HEADER_BYTES;
  while (offset < bytes.length) {
    const rest = bytes.subarray(offset);
    // Some file systems show a crashed append as zeros: still an incomplete record.
    const torn = { records, validBytes: offset, torn: true };
    if (rest.length < LENGTH_BYTES) return torn;
    const length = rest.readUInt32BE(0);
    if (~length >>> 0 !== rest.readUInt32BE(4)) {
      if (rest.every((byte) => byte === 0)) return torn;
      throw new DataFileError(
        `${path} record ${records.length + 1} is damaged: the file is corrupt or has been tampered with`,
        "corrupt",
      );
    }
    if (rest.length < LENGTH_BYTES + length) return torn;
    const plain = openWith(
      rest.subarray(LENGTH_BYTES, LENGTH_BYTES + length),
      key,
      recordAad(journalId, records.length),
    );
    if (plain === undefined) {
      throw new DataFileError(
        `${path} record ${records.length + 1} failed authentication: the file is corrupt or has been tampered with`,
        "corrupt",
      );
    }
    records.push(plain);
    offset += LENGTH_BYTES + length;
  }
  return { records, validBytes: offset, torn: false };
}

/** A new, empty journal, atomically replacing any old one. */
export async function createJournal(path: string, key: Buffer, journalId: Buffer): Promise<void> {
  await writeFileAtomic(path, dirname(path), journalHeader(key, journalId));
}

/**
 * Appends bytes and waits until they are durable. Opened per append without O_CREAT, never
 * through a symlink, and only a regular file (O_NONBLOCK: a planted FIFO cannot block us).
 */
export async function appendDurably(path: string, bytes: Buffer): Promise<void> {
  let handle;
  try {
    handle = await openFile(path, constants.O_WRONLY | constants.O_APPEND | O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP")
      throw new UnsafeDataDirError(`journal ${path} is a symbolic link; refusing to follow it`);
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile()) throw new UnsafeDataDirError(`journal ${path} is not a regular file`);
    let written = 0;
    while (written < bytes.length) written += (await handle.write(bytes, written)).bytesWritten;
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Cuts a torn last record away, so the next append follows the last complete one. */
export async function truncateJournal(path: string, length: number): Promise<void> {
  const handle = await openFile(path, constants.O_WRONLY | O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    await handle.truncate(length);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
