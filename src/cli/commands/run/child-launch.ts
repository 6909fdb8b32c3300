// From a plan to what the child gets: its environment, the delivered files (--file, --mount,
// --template) and the --mask filters. Used for the first child and, under --watch, for each new
// one: files are replaced in place at the same paths, and each child gets fresh filters.
import { DeliveryError } from "../../../core/failure.js";
import type { Delivered, Staged } from "../../../deliver/write.js";
import { hasDelivery } from "../../../deliver/specs.js";
import type { CommandSpec } from "../../../supervise/command.js";
import { execLimitBytes, execTooLarge } from "../../../supervise/exec-limits.js";
import type { Plan } from "../../../plan/plan.js";
import { stackSoftLimit } from "../../../supervise/stack-limit.js";
import { ExitCode } from "../../../core/exit-codes.js";
import type { OutputFilters } from "../../../supervise/output.js";
import type { DeliverySettings } from "./delivery-options.js";
import type { Logger } from "../../log.js";

export interface Launch {
  env: Record<string, string>;
  output: OutputFilters | undefined;
  /** Write the files for this child (for a later child: stage() and commit() at once). */
  deliver(): void;
  /** --watch: write this child's files beside the current ones (throws DeliveryError and leaves
   *  the current files as they are); commit() then replaces them in place. Synchronous. */
  stage(): Staged;
}

const NOTHING: Staged = { commit: () => {}, discard: () => {} };

/** Checks everything first (throws DeliveryError, writes nothing): the delivery, what execve
 *  accepts, the --mask budget, in that order, before the mask is built; files only on deliver(). */
export type Launcher = (plan: Plan) => Launch;

export async function createLauncher(delivery: DeliverySettings, log: Logger, command: CommandSpec): Promise<Launcher> {
  const deliver = hasDelivery(delivery.spec) ? await import("../../../deliver/deliver.js") : undefined;
  const mask =
    delivery.maskMinLength === undefined
      ? undefined
      : await Promise.all([import("../../../mask/setup.js"), import("../../../mask/colour.js")]);
  const argv = command.shell ? ["/bin/sh", "-c", command.file] : [command.file, ...command.args];
  const execLimit = execLimitBytes(stackSoftLimit());
  let runDir: string | undefined;
  let delivered: Delivered | undefined;
  return (plan) => {
    const injected = Object.fromEntries(plan.injected.map((name) => [name, plan.env[name]!]));
    let env = plan.env;
    let stage = (): Staged => NOTHING;
    if (deliver !== undefined) {
      const prepared = deliver.prepareDelivery(delivery.spec, injected, process.cwd(), runDir);
      runDir = prepared.runDir;
      env = prepared.applyEnv(env);
      stage = () => {
        if (delivered !== undefined) return delivered.stage(prepared.files);
        return {
          commit: () => {
            delivered = deliver.carryOutDelivery(prepared);
            log.debug(`wrote ${delivered.paths.length} files (run directory ${delivered.runDir})`);
          },
          discard: () => {},
        };
      };
    }
    let output: OutputFilters | undefined;
    const colour = mask === undefined ? undefined : mask[1].colourEnv(env, process.stdout.isTTY === true);
    // A child that cannot be exec'd fails here, in one line, before any mask is built.
    const tooLarge = execTooLarge(argv, colour ?? env, execLimit);
    if (tooLarge !== undefined) throw new DeliveryError(ExitCode.DATA, tooLarge);
    if (mask !== undefined && colour !== undefined && delivery.maskMinLength !== undefined) {
      // Also what injected values were expanded from (keys marked so they cannot collide).
      const referenced = Object.entries(plan.referenced).map(([key, value]) => [`${key} (referenced)`, value] as const);
      const set = mask[0].setUpMask({ ...injected, ...Object.fromEntries(referenced) }, delivery.maskMinLength);
      if ("tooLarge" in set) throw new DeliveryError(ExitCode.DATA, set.tooLarge);
      if (set.tooShort.length > 0)
        log.debug(`not masked (shorter than ${delivery.maskMinLength} characters): ${set.tooShort.join(", ")}`);
      log.debug(`masking ${set.patternCount} patterns`);
      output = set.filters;
      env = colour;
    }
    return { env, output, deliver: () => stage().commit(), stage };
  };
}
