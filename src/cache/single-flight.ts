// One fetch for many runs (docs/design/insights.md): the first secr-run for a target takes the fetch lock
// and pulls; the others wait for it (bounded by their deadline) and start from the snapshot it
// wrote, if that is at most the share window old. Generic over what is fetched, so the protocol
// is tested with real processes apart from HTTP.
import { readFile } from "node:fs/promises";
import { breakLock, isAbandonedPartial, isStale, localProbe, parseOwner, tryLock } from "./fetch-lock.js";

export interface SingleFlightOptions<T> {
  lockPath: string;
  /** Epoch ms: a follower stops waiting then and fetches on its own. */
  deadline: number;
  /** The leader's lease on the lock (its own deadline plus the snapshot write). */
  leaseMs: number;
  /** What a leader wrote, if fresh enough to share; undefined otherwise. Must not throw. */
  readShared(): Promise<T | undefined>;
  /** Fetch; `saved` settles (never rejects) once the result is readable by readShared. */
  fetch(): Promise<{ value: T; saved: Promise<void> }>;
  signal?: AbortSignal | undefined;
  /** Poll interval while waiting. Default 25 ms. */
  pollMs?: number;
}

/**
 * shared: a fresh result was already there. leader: this process fetched for the others.
 * follower: waited for a leader and used its result. alone: fetched without the lock (the
 * leader failed, or the wait reached the deadline).
 */
export type SingleFlightRole = "shared" | "leader" | "follower" | "alone";

export interface SingleFlightResult<T> {
  value: T;
  role: SingleFlightRole;
  /** Time spent waiting for a leader, ms. */
  waitedMs: number;
  /** Settles when the fetched result is written and, for a leader, the lock released. */
  saved: Promise<void>;
  /** Why a follower ended up fetching alone. */
  why?: "leader-failed" | "timeout";
}

const DONE = Promise.resolve();
/** Each takeover of a stale lock is one more round; far more than needed, but bounded. */
const MAX_ROUNDS = 20;

export async function singleFlight<T>(options: SingleFlightOptions<T>): Promise<SingleFlightResult<T>> {
  const { lockPath, deadline, leaseMs, readShared, signal } = options;
  const pollMs = options.pollMs ?? 25;
  const started = Date.now();
  const waited = () => Date.now() - started;

  const early = await readShared();
  if (early !== undefined) return { value: early, role: "shared", waitedMs: 0, saved: DONE };

  const alone = async (why: "leader-failed" | "timeout"): Promise<SingleFlightResult<T>> => {
    const waitedMs = waited();
    const { value, saved } = await options.fetch();
    return { value, role: "alone", waitedMs, saved, why };
  };

  for (let round = 0; round < MAX_ROUNDS; round++) {
    signal?.throwIfAborted();
    const lock = await tryLock(lockPath, leaseMs);
    if (lock.acquired) {
      // A leader may have finished between our first look and the lock: look again.
      const shared = await readShared();
      if (shared !== undefined) {
        await lock.release();
        return { value: shared, role: round === 0 ? "shared" : "follower", waitedMs: waited(), saved: DONE };
      }
      let fetched: { value: T; saved: Promise<void> };
      try {
        fetched = await options.fetch();
      } catch (error) {
        await lock.release();
        throw error;
      }
      // Held until the snapshot is on disk, so followers never read the previous one.
      const saved = fetched.saved.then(lock.release, lock.release);
      return { value: fetched.value, role: "leader", waitedMs: waited(), saved };
    }

    const outcome = await waitForLeader(lockPath, lock.raw, { deadline, pollMs, signal });
    if (outcome === "timeout") return alone("timeout");
    if (outcome === "stale") continue; // broken: race for it again
    const shared = await readShared();
    if (shared !== undefined) return { value: shared, role: "follower", waitedMs: waited(), saved: DONE };
    // The leader released without a usable result (its fetch failed): fetch in parallel rather
    // than one after another, which would queue every run behind a failing secr. A lock that
    // another follower broke (its leader died) looks the same from here: that costs one extra
    // fetch, never a wrong value.
    return alone("leader-failed");
  }
  return alone("leader-failed");
}

type WaitOutcome = "released" | "stale" | "timeout";

async function waitForLeader(
  lockPath: string,
  firstRaw: string | undefined,
  { deadline, pollMs, signal }: { deadline: number; pollMs: number; signal: AbortSignal | undefined },
): Promise<WaitOutcome> {
  let raw = firstRaw;
  for (;;) {
    signal?.throwIfAborted();
    if (raw === undefined) {
      if (await isAbandonedPartial(lockPath)) {
        await breakLock(lockPath, undefined);
        return "stale";
      }
    } else {
      const owner = parseOwner(raw);
      if (owner === undefined ? await isAbandonedPartial(lockPath) : isStale(owner, localProbe())) {
        await breakLock(lockPath, raw);
        return "stale";
      }
    }
    if (Date.now() >= deadline) return "timeout";
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), signal);
    try {
      raw = await readFile(lockPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "released";
      raw = undefined;
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}
