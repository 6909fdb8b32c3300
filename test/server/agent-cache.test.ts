// The agent's pure parts: the bounded LRU store, token identifiers, coalescing, the shared back-off.
import { rootCertificates } from "node:tls";
import { describe, expect, it } from "vitest";
import { SharedBackoff } from "../../src/server/upstream/backoff.js";
import { CacheStore, entryKey, type Entry } from "../../src/server/upstream/cache-store.js";
import { Coalescer } from "../../src/server/upstream/coalesce.js";
import { upstreamConnect } from "../../src/server/upstream/start-agent.js";
import { bearerToken, tokenHasher, type TokenId } from "../../src/server/upstream/token-id.js";

const hash = tokenHasher();
const entry = (tokenId: TokenId, scope: string, bytes = 100): Entry => ({
  status: 200,
  body: Buffer.alloc(bytes),
  etag: '"t"',
  contentType: "application/json",
  tokenId,
  scope,
  confirmedAt: 0,
});

describe("CacheStore", () => {
  it("stays under its byte bound, dropping the least recently used first", () => {
    const store = new CacheStore(20_000); // about 15 entries of 1000-byte bodies (with bookkeeping)
    const a = hash("token-a");
    for (let i = 0; i < 10; i++) store.set(entryKey(a, `/p${i}`), entry(a, "o\0p", 1000));
    store.get(entryKey(a, "/p0")); // used: now the newest
    for (let i = 10; i < 20; i++) store.set(entryKey(a, `/p${i}`), entry(a, "o\0p", 1000));
    expect(store.bytes).toBeLessThanOrEqual(20_000);
    expect(store.size).toBeLessThan(20);
    expect(store.get(entryKey(a, "/p0"))).toBeDefined();
    expect(store.get(entryKey(a, "/p1"))).toBeUndefined();
    expect(store.get(entryKey(a, "/p19"))).toBeDefined();
    // An answer larger than an eighth of the bound is not kept at all.
    store.set(entryKey(a, "/big"), entry(a, "o\0p", 3000));
    expect(store.get(entryKey(a, "/big"))).toBeUndefined();
  });

  it("drops one token's entries, or one project's for every token; an answer that raced a drop is not kept", () => {
    const store = new CacheStore(1_000_000);
    const [a, b] = [hash("token-a"), hash("token-b")];
    store.set(entryKey(a, "/x"), entry(a, "o\0p"));
    store.set(entryKey(b, "/x"), entry(b, "o\0p"));
    store.set(entryKey(b, "/y"), entry(b, "o\0q"));
    expect(store.dropToken(a)).toBe(1);
    expect(store.get(entryKey(b, "/x"))).toBeDefined();
    const before = store.stamp(b, "o\0p");
    const otherProject = store.stamp(b, "o\0q");
    const otherToken = store.stamp(a, "o\0r");
    expect(store.dropScope("o\0p")).toBe(1);
    expect(store.size).toBe(1);
    store.set(entryKey(b, "/x"), entry(b, "o\0p"), before);
    expect(store.get(entryKey(b, "/x"))).toBeUndefined();
    // A drop of one project or one token does not keep other projects' or tokens' answers out.
    store.dropToken(b);
    store.set(entryKey(a, "/r"), entry(a, "o\0r"), otherToken);
    expect(store.get(entryKey(a, "/r"))).toBeDefined();
    store.set(entryKey(b, "/y"), entry(b, "o\0q"), otherProject);
    expect(store.get(entryKey(b, "/y"))).toBeUndefined(); // b itself was dropped meanwhile
    expect(store.holdsToken(a)).toBe(true);
    expect(store.holdsToken(b)).toBe(false);
  });
});

describe("token identifiers", () => {
  it("differ per token and per process key, are fixed length, and never contain the token", () => {
    const other = tokenHasher();
    expect(hash("token-a")).not.toBe(hash("token-b"));
    expect(hash("token-a")).not.toBe(other("token-a"));
    expect(hash("a")).toHaveLength(hash("a".repeat(500)).length);
    expect(hash("secr_tok_visible")).not.toContain("visible");
    // A key of one token and path can never equal another token's key with another path.
    expect(entryKey(hash("ab"), "/c")).not.toBe(entryKey(hash("a"), "b/c"));
  });

  it("bearerToken reads only a well-formed Bearer header", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer abc")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe("upstream TLS", () => {
  it("--ca-file adds a private CA to Node's roots instead of replacing them", () => {
    const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nprivate\n-----END CERTIFICATE-----\n");
    const connect = upstreamConnect(1000, ca);
    expect(connect.ca).toContain(ca);
    expect(connect.ca).toEqual(expect.arrayContaining([...rootCertificates]));
    expect(upstreamConnect(1000, undefined).ca).toBeUndefined();
  });
});

describe("Coalescer and SharedBackoff", () => {
  it("one run per key while in flight, a new one after it settles", async () => {
    const coalescer = new Coalescer<number>();
    let runs = 0;
    const work = () => new Promise<number>((resolve) => setTimeout(() => resolve(++runs), 10));
    const first = coalescer.run("k", work);
    const second = coalescer.run("k", work);
    const other = coalescer.run("other", work);
    expect([first.joined, second.joined, other.joined]).toEqual([false, true, false]);
    expect(await second.result).toBe(await first.result);
    await other.result;
    expect(coalescer.run("k", work).joined).toBe(false);
  });

  it("holds for Retry-After (capped), 1 s without one, and never shortens a longer hold", () => {
    let now = 0;
    const backoff = new SharedBackoff(() => now);
    expect(backoff.remainingMs()).toBe(0);
    backoff.hold(3);
    expect(backoff.remainingMs()).toBe(3000);
    backoff.hold(undefined);
    expect(backoff.remainingMs()).toBe(3000);
    now = 3000;
    backoff.hold(undefined);
    expect(backoff.remainingMs()).toBe(1000);
    backoff.hold(86_400);
    expect(backoff.remainingMs()).toBe(5 * 60_000);
  });
});
