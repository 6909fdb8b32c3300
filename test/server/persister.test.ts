// The grouped, serialised durable-write queue, with a scripted writer.
import { expect, it } from "vitest";
import { Persister } from "../../src/server/persistence/persister.js";
import { RateLimiter } from "../../src/server/http/rate-limit.js";

// A change records the state before it; a write sees the state of its whole batch.
function setup() {
  let state = "s0";
  const written: string[] = [];
  const pending: { resolve(): void; reject(e: Error): void }[] = [];
  const persister = new Persister<{ before: string }>({
    undo: (change) => {
      state = change.before;
    },
    write: () =>
      new Promise<void>((resolve, reject) => {
        written.push(state);
        pending.push({ resolve, reject });
      }),
  });
  const set = (s: string) => {
    const change = { before: state };
    state = s;
    return persister.commit(change);
  };
  return { written, pending, set, get: () => state };
}

const tick = () => new Promise((r) => setImmediate(r));

it("groups changes made during a write into one following write, never overlapping", async () => {
  const t = setup();
  const first = t.set("s1");
  const second = t.set("s2");
  const third = t.set("s3");
  expect(t.written).toEqual(["s1"]); // one write in flight, the others wait
  let secondDone = false;
  void second.then(() => (secondDone = true));
  t.pending.shift()!.resolve();
  await first;
  await tick();
  expect(secondDone).toBe(false); // not durable until the write that includes it is
  expect(t.written).toEqual(["s1", "s3"]); // s2 and s3 share one write
  t.pending.shift()!.resolve();
  await Promise.all([second, third]);
});

it("on a failed write, undoes every undurable change (newest first) and fails every undurable change", async () => {
  const t = setup();
  await Promise.all([t.set("s1"), Promise.resolve().then(() => t.pending.shift()!.resolve())]);
  await tick();
  const failing = t.set("s2");
  const queued = t.set("s3");
  t.pending.shift()!.reject(new Error("disk full"));
  await expect(failing).rejects.toThrow("disk full");
  await expect(queued).rejects.toThrow("disk full");
  expect(t.get()).toBe("s1");
  const next = t.set("s4");
  t.pending.shift()!.resolve();
  await next;
  expect(t.written.at(-1)).toBe("s4");
});

it("rate limiter: bursts up to the rate, then asks to wait, and refills over time", () => {
  let now = 0;
  const limiter = new RateLimiter(2, () => now);
  expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([0, 0, 1]);
  expect(limiter.take("b")).toBe(0); // per token
  now += 500;
  expect(limiter.take("a")).toBe(0);
  expect(limiter.take("a")).toBe(1);
  const slow = new RateLimiter(0.5, () => now);
  expect([slow.take("a"), slow.take("a")]).toEqual([0, 2]); // one per 2 s
  now += 2000;
  expect(slow.take("a")).toBe(0);
  // wait() only looks: it never uses up the bucket.
  const peek = new RateLimiter(1, () => now);
  expect([peek.wait("x"), peek.wait("x"), peek.take("x"), peek.wait("x"), peek.take("x")]).toEqual([0, 0, 0, 1, 1]);
});

it("read cache: an answer computed before a change is never stored after it", async () => {
  const { ReadCache } = await import("../../src/server/http/read-cache.js");
  const cache = new ReadCache();
  const generation = cache.generation;
  cache.invalidate(); // a write lands while the read was being answered
  cache.set("k", Buffer.from("old"), generation);
  expect(cache.get("k")).toBeUndefined();
  cache.set("k", Buffer.from("new"), cache.generation);
  expect(cache.get("k")?.toString()).toBe("new");
  cache.invalidate();
  expect(cache.get("k")).toBeUndefined();
});
