// The data file (last compacted snapshot) plus its journal, as one durable store
// (docs/design/server.md, "Storage"). A batch costs one append and one fdatasync of its own changes;
// once the journal outgrows max(4 MiB, snapshot), a compaction writes a new snapshot naming a
// new journal, then replaces the journal. A crash between the two leaves a snapshot that
// already holds every record of the old journal, which it names as its previous one.
import { randomBytes } from "node:crypto";
import { serializeState, type State } from "../store/model.js";
import { postImages, type Change } from "./changes.js";
import { JOURNAL_ID_BYTES, writeDataFile } from "./data-file.js";
import { appendDurably, createJournal, encodeRecord, JOURNAL_HEADER_BYTES } from "./journal.js";

export const COMPACT_MIN_BYTES = 4 * 1024 * 1024;

/** Pure: is it time to compact? */
export function shouldCompact(journalBytes: number, snapshotBytes: number, minBytes = COMPACT_MIN_BYTES): boolean {
  return journalBytes > Math.max(minBytes, snapshotBytes);
}

export interface JournalPosition {
  journalId: Buffer;
  /** Records in the journal (the next one's sequence number). */
  seq: number;
  journalBytes: number;
  snapshotBytes: number;
}

export class JournaledStore {
  #position: JournalPosition | undefined;
  #compactNext: boolean;
  /** The id in the journal file on disk now: what a new snapshot names as its previous journal. */
  #diskJournalId: Buffer;

  constructor(
    private readonly files: { dataFile: string; journalFile: string; key: Buffer },
    private readonly state: () => State,
    /** Undefined: write a snapshot first (no usable journal). */
    position: JournalPosition | undefined,
    diskJournalId: Buffer | undefined,
    private readonly compactMinBytes = COMPACT_MIN_BYTES,
  ) {
    this.#position = position;
    this.#diskJournalId = diskJournalId ?? position?.journalId ?? Buffer.alloc(JOURNAL_ID_BYTES);
    this.#compactNext = position === undefined;
  }

  async write(batch: Change[]): Promise<void> {
    if (this.#compactNext || this.#position === undefined) return this.compact();
    const ops = postImages(this.state(), batch);
    if (ops.length === 0) return;
    const position = this.#position;
    const record = encodeRecord(
      Buffer.from(JSON.stringify(ops), "utf8"),
      this.files.key,
      position.journalId,
      position.seq,
    );
    try {
      await appendDurably(this.files.journalFile, record);
    } catch (error) {
      // The journal may now end in part of this record: only a full rewrite is safe after it.
      this.#compactNext = true;
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return this.compact();
      throw error;
    }
    position.seq++;
    position.journalBytes += record.length;
  }

  /** Compacts when the journal has grown past its threshold (after a batch was acknowledged). */
  async maintain(): Promise<void> {
    const position = this.#position;
    if (position && shouldCompact(position.journalBytes, position.snapshotBytes, this.compactMinBytes))
      await this.compact();
  }

  /** New snapshot naming a new journal, then that (empty) journal in place of the old one. */
  async compact(): Promise<void> {
    this.#compactNext = true;
    const journalId = randomBytes(JOURNAL_ID_BYTES);
    const snapshotBytes = await writeDataFile(
      this.files.dataFile,
      this.files.key,
      serializeState(this.state()),
      journalId,
      this.#diskJournalId,
    );
    // From here the snapshot holds everything: the old journal is stale whatever happens next.
    this.#position = undefined;
    await createJournal(this.files.journalFile, this.files.key, journalId);
    this.#diskJournalId = journalId;
    this.#position = { journalId, seq: 0, journalBytes: JOURNAL_HEADER_BYTES, snapshotBytes };
    this.#compactNext = false;
  }

  position(): JournalPosition | undefined {
    return this.#position;
  }
}
