// Base URL checks and request paths. Pure.
import { SecrApiError } from "./errors.js";

export interface BaseUrl {
  origin: string; // "https://api.secr.dev"
  basePath: string; // "" or a prefix such as "/secr" (no trailing slash)
  loopback: boolean;
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "::ffff:7f00:1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function parseBaseUrl(apiUrl: string, allowInsecureHttp: boolean): BaseUrl {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new SecrApiError(`apiUrl is not a valid URL: ${JSON.stringify(apiUrl)}`, 0, "invalid_argument");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SecrApiError(`apiUrl must use https:// (got ${url.protocol}//)`, 0, "invalid_argument");
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new SecrApiError("apiUrl must not contain credentials, a query or a fragment", 0, "invalid_argument");
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === "http:" && !loopback && !allowInsecureHttp) {
    throw new SecrApiError(
      `refusing to send the token in clear text to ${url.host}: use https://, or a loopback host, or set allowInsecureHttp: true`,
      0,
      "invalid_argument",
    );
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ""), loopback };
}

export type QueryValue = string | number | undefined;

/** "/v1/" + percent-encoded segments + query (undefined values left out). */
export function buildPath(basePath: string, segments: readonly string[], query?: Record<string, QueryValue>): string {
  let path = `${basePath}/v1/${segments.map((s) => encodeURIComponent(s)).join("/")}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const qs = params.toString();
    if (qs !== "") path += `?${qs}`;
  }
  return path;
}
