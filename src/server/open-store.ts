// Opening the store at start: the key, the data file and its journal (refusing either when it
// does not authenticate, never overwriting it), the seeds, and a first admin token when none
// exists. Every check runs before the first write.
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { generateAdminToken, isRootAdmin, tokenRecord } from "./store/tokens.js";
import { applyOps, type Op } from "./persistence/changes.js";
import { DataFileError, readDataFile, readNoFollow, removeStaleTemp, type Snapshot } from "./persistence/data-file.js";
import {
  createJournal,
  JOURNAL_HEADER_BYTES,
  journalIdOf,
  parseJournal,
  truncateJournal,
} from "./persistence/journal.js";
import { JournaledStore, type JournalPosition } from "./persistence/journaled-store.js";
import { decodeKey, loadOrCreateKeyFile } from "./persistence/key.js";
import { deserializeState, emptyState, type State } from "./store/model.js";
import { applySeed, type ParsedSeed } from "./store/seed.js";

export const DATA_FILE = "data.secr";
export const KEY_FILE = "key";
export const JOURNAL_FILE = "data.journal";

export interface OpenStoreOptions {
  dataPath: string;
  seeds: ParsedSeed[];
  /** An admin token is given for this run, so none needs to be created. */
  hasSessionAdmin: boolean;
  key?: Buffer | string;
  keyFile?: string;
  log?: NodeJS.WritableStream;
  compactMinBytes?: number;
}

export interface OpenedStore {
  state: State;
  key: Buffer;
  dataFile: string;
  /** Makes changes durable (journal appends, compaction). */
  store: JournaledStore;
  createdAdminToken?: string;
}

async function resolveKey(options: OpenStoreOptions, dataFileExists: boolean): Promise<Buffer> {
  if (options.key !== undefined) {
    const key = Buffer.isBuffer(options.key) ? options.key : decodeKey(options.key, "the data key");
    if (key.length !== 32) throw new Error("the data key must be 32 bytes");
    return key;
  }
  const loaded = await loadOrCreateKeyFile(options.keyFile ?? join(options.dataPath, KEY_FILE), dataFileExists);
  if (loaded.warning) options.log?.write(`warning: ${loaded.warning}\n`);
  return loaded.key;
}

const corrupt = (message: string) => new DataFileError(message, "corrupt");

/** The journal continuing the snapshot, replayed into the state; what to append to next. */
async function replayJournal(
  journalFile: string,
  snapshot: Snapshot,
  key: Buffer,
  state: State,
): Promise<{ position?: JournalPosition; diskJournalId?: Buffer; torn?: number }> {
  const file = await readNoFollow(journalFile, "journal");
  if (file === undefined) return {};
  if (snapshot.journalId === undefined)
    throw corrupt(
      `${journalFile} exists but the data file has no journal (remove neither; restore both from a backup)`,
    );
  const journalId = journalIdOf(file.bytes, key, journalFile);
  // Left by a crash after a compaction wrote its snapshot: every record is in the snapshot.
  if (journalId.equals(snapshot.previousJournalId!)) return { diskJournalId: journalId };
  if (!journalId.equals(snapshot.journalId))
    throw corrupt(`${journalFile} does not belong to this data file (corrupt or tampered with)`);
  const parsed = parseJournal(file.bytes, key, journalId, journalFile);
  try {
    for (const record of parsed.records) applyOps(state, JSON.parse(record.toString("utf8")) as Op[]);
  } catch {
    throw corrupt(`${journalFile} decrypted but a record is not one this version understands`);
  }
  const position = {
    journalId,
    seq: parsed.records.length,
    journalBytes: parsed.validBytes,
    snapshotBytes: snapshot.size,
  };
  return parsed.torn
    ? { position, diskJournalId: journalId, torn: parsed.validBytes }
    : { position, diskJournalId: journalId };
}

export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const dataFile = join(options.dataPath, DATA_FILE);
  const journalFile = join(options.dataPath, JOURNAL_FILE);
  const dataFileExists = await lstat(dataFile).then(
    () => true,
    () => false,
  );
  const key = await resolveKey(options, dataFileExists);
  await removeStaleTemp(dataFile);
  const snapshot = await readDataFile(dataFile, key);
  let state: State;
  try {
    state = snapshot === undefined ? emptyState() : deserializeState(snapshot.text);
  } catch {
    throw new DataFileError(`${dataFile} decrypted but its content is not a state this version understands`, "corrupt");
  }
  let replayed: Awaited<ReturnType<typeof replayJournal>> = {};
  if (snapshot !== undefined) replayed = await replayJournal(journalFile, snapshot, key, state);
  else if (await readNoFollow(journalFile, "journal"))
    throw corrupt(`${journalFile} exists without ${dataFile} (restore the data file from a backup)`);

  // Checks done: from here on, repairs.
  if (replayed.torn !== undefined) await truncateJournal(journalFile, replayed.torn);
  let position = replayed.position;
  if (position === undefined && snapshot?.journalId !== undefined) {
    await createJournal(journalFile, key, snapshot.journalId);
    position = {
      journalId: snapshot.journalId,
      seq: 0,
      journalBytes: JOURNAL_HEADER_BYTES,
      snapshotBytes: snapshot.size,
    };
  }

  let changed = position === undefined;
  for (const seed of options.seeds) changed = applySeed(state, seed) || changed;

  let createdAdminToken: string | undefined;
  // Without a usable unscoped admin token nobody could manage the server: make one.
  if (!options.hasSessionAdmin && ![...state.tokens.values()].some((t) => isRootAdmin(t))) {
    createdAdminToken = generateAdminToken();
    const record = tokenRecord({ token: createdAdminToken, role: "admin", name: "created on first start" });
    state.tokens.set(record.hash, record);
    changed = true;
  }

  const store = new JournaledStore(
    { dataFile, journalFile, key },
    () => state,
    position,
    position?.journalId ?? replayed.diskJournalId,
    options.compactMinBytes,
  );
  if (changed) await store.compact();
  else await store.maintain();
  return { state, key, dataFile, store, ...(createdAdminToken ? { createdAdminToken } : {}) };
}
