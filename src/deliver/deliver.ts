// The delivery step of `run`, in the order that guarantees no partial effect: read and check
// everything (prepare), then write (carry out) right before the child starts.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ExitCode } from "../core/exit-codes.js";
import { addExitHook } from "../supervise/exit-hooks.js";
import { planDelivery, type PlannedFile } from "./plan.js";
import { chooseRunDir, ensureUserRunParent, runtimeBase, sweepStaleRunDirs } from "./run-dir.js";
import { DeliveryError } from "../core/failure.js";
import type { DeliverySpec } from "./specs.js";
import { type Delivered, writeDelivery } from "./write.js";

export interface PreparedDelivery {
  readonly files: readonly PlannedFile[];
  readonly runDir: string;
  readonly base: string;
  /** The child's environment with KEY_FILE set and KEY removed for each --file KEY. */
  applyEnv(env: Readonly<Record<string, string>>): Record<string, string>;
}

/** Read the templates and plan every file; throws DeliveryError, writes nothing. */
export function prepareDelivery(
  spec: DeliverySpec,
  secrets: Readonly<Record<string, string>>,
  cwd = process.cwd(),
  reuseRunDir?: string,
): PreparedDelivery {
  const templateTexts = spec.templates.map(({ source }) => {
    try {
      return readFileSync(resolve(cwd, source), "utf8");
    } catch (error) {
      throw new DeliveryError(
        ExitCode.CONFIG,
        `--template ${source}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
  });
  // --watch keeps the run directory: a reloaded child finds its files at the same paths.
  const base = reuseRunDir === undefined ? runtimeBase() : dirname(dirname(reuseRunDir));
  if (base === undefined) {
    throw new DeliveryError(
      ExitCode.CONFIG,
      "no private place for the delivered files: XDG_RUNTIME_DIR is unset or not yours alone, and /dev/shm and the temp directory are writable by others without the sticky bit; set XDG_RUNTIME_DIR to a directory only you can write",
    );
  }
  const runDir = reuseRunDir ?? chooseRunDir(base);
  const plan = planDelivery({ spec, secrets, templateTexts, runDir, cwd });
  if (!plan.ok) throw new DeliveryError(plan.exitCode, plan.message);
  return {
    files: plan.files,
    runDir,
    base,
    applyEnv: (env) => {
      const next = { ...env, ...plan.setEnv };
      for (const name of plan.unsetEnv) delete next[name];
      return next;
    },
  };
}

/** Sweep what killed runs left, write the files, and remove them whenever secr-run ends. */
export function carryOutDelivery(prepared: PreparedDelivery): Delivered {
  // Run directories of earlier versions sit in the base itself; today's in the per-user parent.
  sweepStaleRunDirs(prepared.base);
  sweepStaleRunDirs(ensureUserRunParent(prepared.base));
  const delivered = writeDelivery(prepared.files, prepared.runDir);
  addExitHook(delivered.remove);
  return delivered;
}
