// One line per request: time, method, path (query dropped), status, duration.
// Never headers or bodies, so neither tokens nor values can reach the log.
import type { IncomingMessage, ServerResponse } from "node:http";

export function logAccess(
  log: NodeJS.WritableStream,
  req: IncomingMessage,
  res: ServerResponse,
  started: number,
): void {
  const path = (req.url ?? "/").split("?", 1)[0];
  const ms = (performance.now() - started).toFixed(1);
  log.write(`${new Date().toISOString()} ${req.method} ${path} ${res.statusCode} ${ms}ms\n`);
}
