// The recording child (test/cli/fixtures/record-child.cjs): a command that writes the environment
// and argv it was started with to the file named by RECORD_TO, so a test sees what the child got.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE, scratchDir } from "./cli.js";

export const RECORD_CHILD = fileURLToPath(new URL("../cli/fixtures/record-child.cjs", import.meta.url));

export interface Recorded {
  env: Record<string, string>;
  argv: string[];
}

let counter = 0;
/** A fresh record file path (in the file's scratch dir, removed after it); the child writes there. */
export function recordFile(): string {
  return join(scratchDir(), `record-${process.pid}-${++counter}.json`);
}

export function readRecord(path: string): Recorded | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Recorded) : undefined;
}

/** Command words that run the recording child. */
export function recordingChild(): string[] {
  return ["--", NODE, RECORD_CHILD];
}
