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
