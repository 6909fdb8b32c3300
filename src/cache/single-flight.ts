// One fetch for many runs (docs/design/insights.md): the first secr-run for a target takes the fetch lock
// and pulls; the others wait for it (bounded by their deadline) and start from the snapshot it
// wrote, if they may (share-rule.ts: its fetch began after they were launched). A run launched
// after a leader's fetch began waits for it all the same, then races for the lock again: one
// of those late runs leads a second fetch for all of them. Generic over what is fetched, so the
// protocol is tested with real processes apart from HTTP.
import { breakLock, isAbandonedPartial, isStale, localProbe, parseOwner, readLock, tryLock } from "./fetch-lock.js";

/** A result another process wrote: `usable` says whether this process may start from it. */
export interface SharedResult<T> {
  value: T;
  usable: boolean;
  /** When its fetch began (epoch ms); undefined when unknown. */
  startedAt: number | undefined;
}

export interface SingleFlightOptions<T> {
  lockPath: string;
  /** Epoch ms: a follower stops waiting then and fetches on its own. */
  deadline: number;
  /** The leader's lease on the lock (its own deadline plus the snapshot write). */
  leaseMs: number;
  /** What a leader wrote last, whether or not this process may use it; undefined when there is
   *  nothing readable. Must not throw. */
  readShared(): Promise<SharedResult<T> | undefined>;
  /** Fetch, begun at `startedAt` (to be recorded with the result); `saved` settles (never
   *  rejects) once the result is readable by readShared. */
  fetch(startedAt: number): Promise<{ value: T; saved: Promise<void> }>;
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
  /** Rounds in which the leader's fetch had begun before this process was launched. */
  lateRounds: number;
}

const DONE = Promise.resolve();
/** Each takeover of a stale lock is one more round; far more than needed, but bounded. */
const MAX_ROUNDS = 20;

export async function singleFlight<T>(options: SingleFlightOptions<T>): Promise<SingleFlightResult<T>> {
  const { lockPath, deadline, leaseMs, readShared, signal } = options;
  const pollMs = options.pollMs ?? 25;
  const started = Date.now();
  const waited = () => Date.now() - started;
  let lateRounds = 0;
  const fetchNow = () => options.fetch(Date.now());

  const early = await readShared();
  if (early?.usable) return { value: early.value, role: "shared", waitedMs: 0, saved: DONE, lateRounds };

  const alone = async (why: "leader-failed" | "timeout"): Promise<SingleFlightResult<T>> => {
    const waitedMs = waited();
    const { value, saved } = await fetchNow();
    return { value, role: "alone", waitedMs, saved, why, lateRounds };
  };

  for (let round = 0; round < MAX_ROUNDS; round++) {
    signal?.throwIfAborted();
    const lock = await tryLock(lockPath, leaseMs);
    if (lock.acquired) {
      // A leader may have finished between our first look and the lock: look again.
      const shared = await readShared();
      if (shared?.usable) {
        await lock.release();
        return {
          value: shared.value,
          role: round === 0 ? "shared" : "follower",
          waitedMs: waited(),
          saved: DONE,
          lateRounds,
        };
      }
      let fetched: { value: T; saved: Promise<void> };
      try {
        fetched = await fetchNow();
      } catch (error) {
        await lock.release();
        throw error;
      }
      // Held until the snapshot is on disk, so followers never read the previous one.
      const saved = fetched.saved.then(lock.release, lock.release);
      return { value: fetched.value, role: "leader", waitedMs: waited(), saved, lateRounds };
    }

    const outcome = await waitForLeader(lockPath, lock.raw, { deadline, pollMs, signal });
    if (outcome.kind === "timeout") return alone("timeout");
    if (outcome.kind === "stale") continue; // broken: race for it again
    const shared = await readShared();
    if (shared?.usable) return { value: shared.value, role: "follower", waitedMs: waited(), saved: DONE, lateRounds };
    // The leader wrote its result, but its fetch began before this process was launched: race
    // for the lock again, so the late runs share one newer fetch instead of each making one.
    const leader = outcome.raw === undefined ? undefined : parseOwner(outcome.raw);
    if (shared?.startedAt !== undefined && leader !== undefined && shared.startedAt >= leader.createdAt) {
      lateRounds += 1;
      continue;
    }
    // The lock we waited on belonged to a process that died: another follower broke it and
    // leads now. Race again, and wait for that one rather than fetch beside it.
    if (leader !== undefined && isStale(leader, localProbe())) continue;
    // A lock there again: a new leader (or one a breaker moved aside for a moment): wait for it.
    if ((await readLock(lockPath)).kind !== "missing") continue;
    // The leader released without a usable result (its fetch failed): fetch in parallel rather
    // than one after another, which would queue every run behind a failing secr.
    return alone("leader-failed");
  }
  return alone("leader-failed");
}

/** `raw`: the lock's content last seen before it was released. */
type WaitOutcome = { kind: "released"; raw: string | undefined } | { kind: "stale" } | { kind: "timeout" };

async function waitForLeader(
  lockPath: string,
  firstRaw: string | undefined,
  { deadline, pollMs, signal }: { deadline: number; pollMs: number; signal: AbortSignal | undefined },
): Promise<WaitOutcome> {
  let raw = firstRaw;
  let lastKnown = firstRaw;
  for (;;) {
    signal?.throwIfAborted();
    if (raw === undefined) {
      if (await isAbandonedPartial(lockPath)) {
        await breakLock(lockPath, undefined);
        return { kind: "stale" };
      }
    } else {
      const owner = parseOwner(raw);
      if (owner === undefined ? await isAbandonedPartial(lockPath) : isStale(owner, localProbe())) {
        await breakLock(lockPath, raw);
        return { kind: "stale" };
      }
    }
    if (Date.now() >= deadline) return { kind: "timeout" };
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), signal);
    const read = await readLock(lockPath);
    if (read.kind === "missing") return { kind: "released", raw: lastKnown };
    raw = read.kind === "ok" ? read.raw : undefined;
    if (raw !== undefined) lastKnown = raw;
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
