// Writes the --report-json file: atomically (a reader sees the old report or the new one, never
// half of one) and 0600, replacing whatever is at the path, a symlink included, never following it.
import { dirname, resolve } from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.js";

export async function writeReportFile(path: string, bytes: Uint8Array): Promise<void> {
  const target = resolve(path);
  await writeFileAtomic(target, dirname(target), bytes);
}
