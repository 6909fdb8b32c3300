// A real pseudo-terminal for a test: test/fixtures/pty-driver.py runs a command in one, plays the
// steps (send, expect, ...) and returns what the terminal showed.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CLI, NODE } from "./cli.js";

export const PTY_DRIVER = fileURLToPath(new URL("../fixtures/pty-driver.py", import.meta.url));

export type Step =
  { send: string } | { expect: string; timeout?: number } | { sleep: number } | { resize: [number, number] };

export interface TerminalSpec {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  steps: Step[];
}

export interface Driven {
  ok: boolean;
  error: string | null;
  segments: string[];
  transcript: string;
}

/** Drive `spec` in a pty. Async: an msw server in this process must keep answering meanwhile. */
export async function driveTerminal(spec: TerminalSpec): Promise<Driven> {
  const { stdout } = await promisify(execFile)("python3", [PTY_DRIVER, JSON.stringify(spec)], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Driven;
}

/** Fails with the transcript attached when the driver did not get through its steps. */
export function expectDriven(driven: Driven): Driven {
  if (!driven.ok) throw new Error(`${driven.error}\n--- terminal transcript ---\n${driven.transcript}`);
  return driven;
}

/** `secr-run <args>` in a pty through sh, which prints the exit status (`exit=N`) after it; returns the transcript. */
export async function cliInTerminal(args: string[], env: Record<string, string>, steps: Step[] = []): Promise<string> {
  const quoted = [NODE, CLI, ...args].map((word) => `'${word}'`).join(" ");
  const spec = {
    argv: ["/bin/sh", "-c", `${quoted}; echo "exit=$?"`],
    env,
    steps: [...steps, { expect: "exit=\\d+", timeout: 60 }],
  };
  return expectDriven(await driveTerminal(spec)).transcript;
}
