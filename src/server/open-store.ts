// Opening the store at start: the key, the data file (refusing one that does not
// authenticate, never overwriting it), the seeds, and a first admin token when none exists.
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { generateAdminToken, isRootAdmin, tokenRecord } from "./store/tokens.js";
import { DataFileError, readDataFile, removeStaleTemp, writeDataFile } from "./persistence/data-file.js";
import { decodeKey, loadOrCreateKeyFile } from "./persistence/key.js";
import { deserializeState, emptyState, serializeState, type State } from "./store/model.js";
import { applySeed, type ParsedSeed } from "./store/seed.js";

export const DATA_FILE = "data.secr";
export const KEY_FILE = "key";

export interface OpenStoreOptions {
  dataPath: string;
  seeds: ParsedSeed[];
  /** An admin token is given for this run, so none needs to be created. */
  hasSessionAdmin: boolean;
  key?: Buffer | string;
  keyFile?: string;
  log?: NodeJS.WritableStream;
}

export interface OpenedStore {
  state: State;
  key: Buffer;
  dataFile: string;
  /** The serialised state as it is on disk now. */
  durable: string;
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

export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const dataFile = join(options.dataPath, DATA_FILE);
  const dataFileExists = await lstat(dataFile).then(
    () => true,
    () => false,
  );
  const key = await resolveKey(options, dataFileExists);
  await removeStaleTemp(dataFile);
  const text = await readDataFile(dataFile, key);
  let state: State;
  try {
    state = text === undefined ? emptyState() : deserializeState(text);
  } catch {
    throw new DataFileError(`${dataFile} decrypted but its content is not a state this version understands`, "corrupt");
  }

  let changed = text === undefined;
  for (const seed of options.seeds) changed = applySeed(state, seed) || changed;

  let createdAdminToken: string | undefined;
  // Without a usable unscoped admin token nobody could manage the server: make one.
  if (!options.hasSessionAdmin && ![...state.tokens.values()].some((t) => isRootAdmin(t))) {
    createdAdminToken = generateAdminToken();
    const record = tokenRecord({ token: createdAdminToken, role: "admin", name: "created on first start" });
    state.tokens.set(record.hash, record);
    changed = true;
  }

  const durable = serializeState(state);
  if (changed) await writeDataFile(dataFile, key, durable);
  return { state, key, dataFile, durable, ...(createdAdminToken ? { createdAdminToken } : {}) };
}
