// Carry out a delivery plan: the run directory (0700), then each file (0600, created, never
// opened if something is already there: O_EXCL|O_NOFOLLOW). On any failure what was written is
// removed again: no partial effect. Under --watch the same paths are kept for the whole run and
// each new child's files replace the old ones in place (replace.ts, docs/design/delivery.md).
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../core/exit-codes.js";
import { createFile, describeWriteError } from "./create-file.js";
import { DeliveryError } from "../core/failure.js";
import type { PlannedFile } from "./plan.js";
import { stageReplacement, type Staged } from "./replace.js";
import { createRunDir, EXTERNAL_RECORD, type ExternalRecord, removeIfSame } from "./run-dir.js";

export interface Delivered {
  readonly runDir: string;
  readonly paths: readonly string[];
  /** Write the next child's files as temp files beside the current ones; nothing at the
   *  delivered paths changes until `commit()`. Throws DeliveryError (and leaves nothing). */
  stage(files: readonly PlannedFile[]): Staged;
  /** Remove every file and the run directory. Synchronous (it runs on the way out of the
   *  process) and idempotent. */
  remove(): void;
}

export type { Staged } from "./replace.js";

export function writeDelivery(files: readonly PlannedFile[], runDir: string): Delivered {
  createRunDir(runDir);
  /** The files outside the run directory, by path, and temp files not yet renamed. */
  const external = new Map<string, ExternalRecord>();
  const pending = new Map<string, ExternalRecord>();
  const persist = () => recordExternal(runDir, [...external.values(), ...pending.values()]);
  const paths: string[] = [];
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    for (const record of [...external.values(), ...pending.values()]) removeIfSame(record);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    for (const file of files) {
      try {
        paths.push(file.path);
        // A run killed from here on leaves a record that the next run's sweep acts on.
        createFile(file.path, file.content, (record) => {
          if (file.inRunDir) return;
          external.set(file.path, record);
          persist();
        });
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        throw describeWriteError(error as NodeJS.ErrnoException, file);
      }
    }
  } catch (error) {
    remove();
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(
      ExitCode.CONFIG,
      `cannot write the delivered files (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const stage = (next: readonly PlannedFile[]) => {
    if (removed) throw new DeliveryError(ExitCode.SOFTWARE, "the delivered files were already removed");
    return stageReplacement(next, { runDir, external, pending, persist });
  };
  return { runDir, paths, stage, remove };
}

function recordExternal(runDir: string, records: readonly ExternalRecord[]): void {
  const temporary = join(runDir, `${EXTERNAL_RECORD}.tmp`);
  writeFileSync(temporary, JSON.stringify(records), { mode: 0o600 });
  renameSync(temporary, join(runDir, EXTERNAL_RECORD));
}
