// Writing JSON answers and contract error bodies.
import type { ServerResponse } from "node:http";
import { ApiError } from "../store/errors.js";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendPayload(res, status, JSON.stringify(body), headers);
}

export function sendPayload(
  res: ServerResponse,
  status: number,
  payload: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(payload);
}

/** 304: the client's copy (If-None-Match) is current. No body. */
export function sendNotModified(res: ServerResponse, etag: string): void {
  res.writeHead(304, { etag, "cache-control": "no-store" });
  res.end();
}

export function sendError(res: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : new ApiError("server_error", "internal server error");
  sendJson(res, apiError.status, { error: apiError.code, message: apiError.message }, apiError.headers);
}

/**
 * The end of a request that threw: nothing when the client went away (or shutdown cut its
 * upload); otherwise the error as an answer, logged unless it is an API error. A body we stopped
 * reading cannot be drained, and a closing server keeps no connection: both answer, then close.
 */
export function answerFailure(
  res: ServerResponse,
  error: unknown,
  ctx: { log?: { write(line: string): unknown } | undefined; closing(): boolean },
): void {
  if (!(error instanceof ApiError) && (res.socket === null || res.socket.destroyed)) return;
  if (!(error instanceof ApiError))
    ctx.log?.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  if ((error instanceof ApiError && error.code === "payload_too_large") || ctx.closing())
    res.setHeader("connection", "close");
  if (res.headersSent) res.destroy();
  else sendError(res, error);
}
