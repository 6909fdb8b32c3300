// From a plan to what the child gets: its environment, the delivered files (--file, --mount,
// --template) and the --mask filters. Used for the first child and, under --watch, for each new
// one: files are rewritten in the same private directory, and each child gets fresh filters.
import type { Delivered } from "../../../deliver/write.js";
import { hasDelivery } from "../../../deliver/specs.js";
import type { Plan } from "../../../plan/plan.js";
import type { OutputFilters } from "../../../supervise/output.js";
import type { DeliverySettings } from "./delivery-options.js";
import type { Logger } from "../../log.js";

export interface Launch {
  env: Record<string, string>;
  output: OutputFilters | undefined;
  /** Write the files for this child (removing the previous child's first). Synchronous: it runs
   *  between the old child's exit and the new child's start. */
  deliver(): void;
}

/** Checks everything first (throws DeliveryError, writes nothing); files only on deliver(). */
export type Launcher = (plan: Plan) => Launch;

export async function createLauncher(delivery: DeliverySettings, log: Logger): Promise<Launcher> {
  const deliver = hasDelivery(delivery.spec) ? await import("../../../deliver/deliver.js") : undefined;
  const mask = delivery.maskMinLength === undefined ? undefined : await Promise.all([import("../../../mask/setup.js"), import("../../../mask/colour.js")]);
  let runDir: string | undefined;
  let previous: Delivered | undefined;
  return (plan) => {
    const injected = Object.fromEntries(plan.injected.map((name) => [name, plan.env[name]!]));
    let env = plan.env;
    let write: (() => void) | undefined;
    if (deliver !== undefined) {
      const prepared = deliver.prepareDelivery(delivery.spec, injected, process.cwd(), runDir);
      runDir = prepared.runDir;
      env = prepared.applyEnv(env);
      write = () => {
        previous?.remove();
        previous = deliver.carryOutDelivery(prepared);
        log.debug(`wrote ${previous.paths.length} files (run directory ${previous.runDir})`);
      };
    }
    let output: OutputFilters | undefined;
    if (mask !== undefined && delivery.maskMinLength !== undefined) {
      const [{ setUpMask }, { colourEnv }] = mask;
      const set = setUpMask(injected, delivery.maskMinLength);
      if (set.tooShort.length > 0) log.debug(`not masked (shorter than ${delivery.maskMinLength} characters): ${set.tooShort.join(", ")}`);
      log.debug(`masking ${set.patternCount} patterns`);
      output = set.filters;
      env = colourEnv(env, process.stdout.isTTY === true);
    }
    return { env, output, deliver: () => write?.() };
  };
}
