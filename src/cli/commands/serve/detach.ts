// `secr-run serve --detach`: starts the server as a background process of its own session, waits
// until it listens, prints `SECR_API_URL=...; export SECR_API_URL` and the same for SECR_TOKEN (for
// `eval`), and returns. The admin token travels in the child's environment, never in argv: the
// caller's SECR_SERVE_TOKEN, else one generated for this start. The server's log goes to
// <data>/serve.log (0600). See docs/guide/serve.md.
import { spawn } from "node:child_process";
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../../../core/exit-codes.js";
import { DETACHED_ENV } from "./detached-env.js";

export const DETACHED_LOG = "serve.log";
const READY_TIMEOUT_MS = 30_000;

/** Pure: a value as one POSIX shell word (single quotes; nothing expands). */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Pure: what --detach prints on stdout once the server listens. */
export function detachedOutput(url: string, token: string): string {
  return `SECR_API_URL=${shellWord(url)}; export SECR_API_URL\nSECR_TOKEN=${shellWord(token)}; export SECR_TOKEN\n`;
}

/** Pure: the child's arguments: the same serve command, without --detach. */
export function childArgs(args: readonly string[]): string[] {
  return ["serve", ...args.filter((arg) => arg !== "--detach")];
}

export async function detach(
  args: readonly string[],
  dataPath: string,
  token: string,
  say: (line: string) => void,
): Promise<number> {
  mkdirSync(dataPath, { recursive: true, mode: 0o700 });
  const logPath = join(dataPath, DETACHED_LOG);
  let log: number;
  try {
    log = openSync(
      logPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      0o600,
    );
  } catch (error) {
    say(
      `secr-run serve: cannot open the log ${logPath} (${(error as NodeJS.ErrnoException).code}); it must be a plain file of yours, not a symbolic link`,
    );
    return ExitCode.CONFIG;
  }
  if (!fstatSync(log).isFile()) {
    closeSync(log);
    say(`secr-run serve: the log ${logPath} is not a plain file; remove it`);
    return ExitCode.CONFIG;
  }
  const logStart = fstatSync(log).size;
  // process.argv[1] is the installed `secr-run` entry (bin/secr-run.js): the child is this same build.
  const child = spawn(process.execPath, [process.argv[1]!, ...childArgs(args)], {
    detached: true,
    stdio: ["ignore", "pipe", log],
    env: { ...process.env, SECR_SERVE_TOKEN: token, [DETACHED_ENV]: "1" },
  });
  closeSync(log);
  const stdout = child.stdout!; // "pipe" above
  const url = await new Promise<string | number>((resolve) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      resolve(ExitCode.UNAVAILABLE);
    }, READY_TIMEOUT_MS);
    stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const line = /^(\{.*\})\n/.exec(out)?.[1];
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? ExitCode.SOFTWARE);
    });
  });
  stdout.destroy();
  child.unref();
  if (typeof url === "number") {
    // The server said why on its log: show what it wrote during this start.
    const text = readFileSync(logPath).subarray(logStart).toString("utf8").trimEnd();
    if (text !== "") say(text);
    say(`secr-run serve: the server did not start (exit ${url}); its log: ${logPath}`);
    return url === 0 ? ExitCode.SOFTWARE : url;
  }
  process.stdout.write(detachedOutput(url, token));
  say(
    `secr-run serve: listening on ${url} in the background (pid ${child.pid}, log ${logPath}); stop it with: secr-run serve --stop${dataFlag(args)}`,
  );
  return 0;
}

/** The --data given on this command line, repeated in the hint (the stop needs the same directory). */
function dataFlag(args: readonly string[]): string {
  const index = args.findIndex((arg) => arg === "--data" || arg.startsWith("--data="));
  if (index === -1) return "";
  const value = args[index]!.startsWith("--data=") ? args[index]!.slice(7) : args[index + 1];
  return value === undefined ? "" : ` --data ${shellWord(value)}`;
}
