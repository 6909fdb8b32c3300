// `secr-run serve --upstream URL`: the agent's settings from the command line (docs/guide/fleet.md).
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { formatDuration, parseDuration } from "../../../config/duration.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import type { AgentOptions, TlsFiles } from "../../../server/index.js";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** "64MiB", "512KiB", "1000000" → bytes; an Error saying what is wrong otherwise. */
export function parseBytes(text: string): number | Error {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match === null ? undefined : UNITS[match[2]!.toLowerCase()];
  if (match === null || unit === undefined) return new Error(`"${text}" is not a size (e.g. 64MiB, 512KiB, 1000000)`);
  return Number(match[1]) * unit;
}

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms instanceof Error) throw new Failure(ExitCode.USAGE, `${flag}: ${ms.message}`);
  return ms;
}

export interface AgentFlags {
  upstream: string;
  revalidate: string | undefined;
  maxStale: string | undefined;
  cacheMaxBytes: string | undefined;
  caFile: string | undefined;
}

/** Options of the server's own data that mean nothing to an agent: given together, a usage error. */
export function refuseDataOptions(given: Record<string, unknown>): void {
  const names = Object.entries(given)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (names.length > 0)
    throw new Failure(
      ExitCode.USAGE,
      `${names.join(", ")} ${names.length === 1 ? "has" : "have"} no effect with --upstream (the agent keeps no data of its own): leave ${names.length === 1 ? "it" : "them"} out`,
    );
}

export async function agentOptions(
  flags: AgentFlags,
  listen: { host: string; port: number; tls: TlsFiles | undefined },
): Promise<AgentOptions> {
  const revalidateMs = duration("--revalidate", flags.revalidate);
  const maxStaleMs = duration("--max-stale", flags.maxStale);
  let cacheMaxBytes: number | undefined;
  if (flags.cacheMaxBytes !== undefined) {
    const parsed = parseBytes(flags.cacheMaxBytes);
    if (parsed instanceof Error) throw new Failure(ExitCode.USAGE, `--cache-max-bytes: ${parsed.message}`);
    if (parsed < 64 * 1024)
      throw new Failure(ExitCode.USAGE, `--cache-max-bytes must be at least 64KiB, got ${flags.cacheMaxBytes}`);
    cacheMaxBytes = parsed;
  }
  const upstreamCa = flags.caFile === undefined ? undefined : await readPem(flags.caFile, "--ca-file");
  return {
    upstream: flags.upstream,
    host: listen.host,
    port: listen.port,
    ...(listen.tls !== undefined ? { tls: listen.tls } : {}),
    ...(upstreamCa !== undefined ? { upstreamCa } : {}),
    ...(revalidateMs !== undefined ? { revalidateMs } : {}),
    ...(maxStaleMs !== undefined ? { maxStaleMs } : {}),
    ...(cacheMaxBytes !== undefined ? { cacheMaxBytes } : {}),
  };
}

/** A PEM file's bytes; unreadable or not PEM is configuration (78). */
export async function readPem(file: string, flag: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(resolve(file));
  } catch (error) {
    throw new Failure(
      ExitCode.CONFIG,
      `${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (!data.includes("-----BEGIN "))
    throw new Failure(ExitCode.CONFIG, `${flag}: ${file} is not a PEM file (no -----BEGIN line)`);
  return data;
}

/** The TLS private key's bytes, and a warning when other users may read it (as for the data key
 *  file): whoever reads it can pose as this server to every pod. A symlink is followed (Kubernetes
 *  mounts secrets through one). */
export async function readTlsKey(file: string): Promise<{ key: Buffer; warning?: string }> {
  const key = await readPem(file, "--tls-key");
  const mode = (await stat(resolve(file))).mode;
  if ((mode & 0o077) === 0) return { key };
  return {
    key,
    warning: `--tls-key ${file} is readable by others (mode ${(mode & 0o777).toString(8)}): whoever reads it can pose as this server; chmod 600 it (Kubernetes: defaultMode: 0400)`,
  };
}

/** What the agent says when it starts (durations as the user would write them). */
export function describeAgent(
  options: AgentOptions,
  defaults: { revalidateMs: number; maxStaleMs: number; cacheMaxBytes: number },
): string {
  const revalidate = formatDuration(options.revalidateMs ?? defaults.revalidateMs);
  const maxStale = formatDuration(options.maxStaleMs ?? defaults.maxStaleMs);
  const mib = ((options.cacheMaxBytes ?? defaults.cacheMaxBytes) / 1024 ** 2).toFixed(1);
  return `revalidate after ${revalidate}, stale on upstream failure up to ${maxStale}, cache bound ${mib} MiB, in memory only`;
}
