// A fake secr for bench/fleet.js: every environment answers the same small pull (10 secrets,
// with an ETag and 304 on If-None-Match) and template check. One rate limit for the whole
// machine (one NAT address): at most `limit` requests in any `windowMs`, else 429 with
// Retry-After in whole seconds until a slot frees. Counts requests and 429s.
import { createHash } from "node:crypto";
import { createServer } from "node:http";

const SECRETS = Array.from({ length: 10 }, (_, i) => ({
  key: `KEY_${i}`,
  value: `value-${i}-${"x".repeat(40)}`,
  version: 1,
  updatedAt: "2026-01-01T00:00:00.000Z",
}));
const PULL = Buffer.from(
  JSON.stringify({ secrets: SECRETS, pagination: { limit: 1000, offset: 0, total: SECRETS.length } }),
);
const ETAG = `"${createHash("sha256").update(PULL).digest("base64url").slice(0, 32)}"`;
const VALIDATE = Buffer.from(JSON.stringify({ valid: true, missing: [], extra: [] }));

export async function startFakeSecr({ limit = Infinity, windowMs = 60_000 } = {}) {
  const counts = { requests: 0, limited: 0, notModified: 0 };
  const admitted = []; // times of admitted requests within the window, oldest first
  let head = 0;
  const server = createServer((req, res) => {
    counts.requests++;
    const now = performance.now();
    while (head < admitted.length && admitted[head] <= now - windowMs) head++;
    if (head > 10_000) {
      admitted.splice(0, head);
      head = 0;
    }
    if (admitted.length - head >= limit) {
      counts.limited++;
      const retryAfter = Math.max(1, Math.ceil((admitted[head] + windowMs - now) / 1000));
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
      res.end('{"error":"rate_limited","message":"rate limit exceeded"}');
      return;
    }
    admitted.push(now);
    if (!/^Bearer \S+$/.test(req.headers.authorization ?? "")) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":"unauthorized","message":"no token"}');
      return;
    }
    if (req.url.startsWith("/v1/templates/")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": VALIDATE.length });
      res.end(VALIDATE);
      return;
    }
    if (req.headers["if-none-match"] === ETAG) {
      counts.notModified++;
      res.writeHead(304, { etag: ETAG });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": PULL.length, etag: ETAG });
    res.end(PULL);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    /** Forget everything (counts and the rate limit's window): after a warm-up. */
    reset() {
      counts.requests = counts.limited = counts.notModified = 0;
      admitted.length = 0;
      head = 0;
    },
    take() {
      const taken = { ...counts };
      counts.requests = counts.limited = counts.notModified = 0;
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

export const PULL_BYTES = PULL.length;
