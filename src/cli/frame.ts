// The frame of every command's main: what it may touch of the process (stdout, stderr, env, cwd)
// comes in as `io`, so a main runs in process in a test as it runs from the binary; a logger
// honouring -v/-q writes to io.stderr; a Failure ends the main as its one line and its exit code
// (anything else is a bug and propagates to main.ts: exit 70).
import { failureExit } from "../core/failure.js";
import type { Logger } from "../core/logger.js";
import { createLogger } from "./log.js";
import { scanVerbosity } from "./options/globals.js";
import { clearStatusLine } from "../pipeline/status-line.js";

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  on?(event: "error", listener: (error: NodeJS.ErrnoException) => void): unknown;
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The real process: what the binary passes. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export interface Context {
  io: Io;
  log: Logger;
}

/** A command's main as main.ts calls it (the exit code); `io` defaults to the real process. */
export type Main = (args: string[], io?: Io) => Promise<number>;

export async function frame(
  args: readonly string[],
  io: Io | undefined,
  body: (context: Context) => Promise<number>,
): Promise<number> {
  const actual = io ?? processIo();
  const write =
    actual.stderr === process.stderr
      ? undefined
      : (line: string) => {
          clearStatusLine();
          actual.stderr.write(line);
        };
  const log = createLogger({ ...scanVerbosity(args), write });
  try {
    return await body({ io: actual, log });
  } catch (error) {
    return failureExit(error, log);
  }
}

/** A main in one line: `export const main = commandMain(async (args, { io, log }) => ...)`. */
export function commandMain(body: (args: string[], context: Context) => Promise<number>): Main {
  return (args, io) => frame(args, io, (context) => body(args, context));
}

/** One JSON document on stdout. */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Rows as aligned columns (the last column is not padded). */
export function printTable(io: Io, rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) return;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  io.stdout.write(
    rows
      .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "))
      .join("\n") + "\n",
  );
}
