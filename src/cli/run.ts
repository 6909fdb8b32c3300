// `secr-run [options] -- <command> [args...]`: pull, validate, inject, supervise.
// Decisions are pure functions in src/launcher and src/config; this file only sequences them.
import { buildChildEnv } from "../launcher/child-env.js";
import { buildCommand } from "../launcher/command.js";
import { applyNameRules, printableName } from "../launcher/names.js";
import { selectOnly } from "../launcher/only.js";
import type { OutputFilters } from "../launcher/output.js";
import { startSupervisor } from "../launcher/supervisor.js";
import { DeliveryError } from "../deliver/error.js";
import { hasDelivery } from "../deliver/specs.js";
import { checkTemplate } from "../launcher/template-check.js";
import { target } from "../config/target.js";
import { deliverySettings } from "./delivery-options.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import { createLogger } from "./log.js";
import { reportNameRules } from "./name-report.js";
import { runCommand } from "./commands/run.js";
import { scanVerbosity, settingFlags } from "./commands/globals.js";
import { cacheFlags } from "./commands/shared.js";

export async function main(args: string[]): Promise<number> {
  const started = performance.now();
  const log = createLogger(scanVerbosity(args));
  // First, before anything slow: signal listeners (docs/process-model.md, "Before the child").
  const supervisor = startSupervisor({ warn: log.warn, debug: log.debug, error: log.error });
  try {
    const { options, rest } = runCommand.parse(args);
    const command = buildCommand(rest, options.command);
    if (command instanceof Error) throw new Failure(ExitCode.USAGE, command.message);
    const delivery = deliverySettings(options);
    // Loaded after the listeners and the usage checks: settings validation (zod) is not small.
    const [{ loadSettingsWithCache }, { obtainSecrets }] = await Promise.all([import("./load-settings.js"), import("./obtain-secrets.js")]);
    const { settings, cache } = loadSettingsWithCache(settingFlags(options), cacheFlags(options), log);

    const obtained = await obtainSecrets(settings, { signal: supervisor.signal, log, validate: options.validate, cache });
    const where = target(settings);

    if (obtained.validation !== undefined) {
      const template = checkTemplate(obtained.validation);
      if (template.failed) {
        throw new Failure(
          ExitCode.CONFIG,
          template.missing.length > 0
            ? `${where} lacks required template keys: ${template.missing.map(printableName).join(", ")} (the command was not started)`
            : `${where} does not satisfy the project template (the command was not started)`,
        );
      }
      if (template.extra.length > 0) log.debug(`keys not in the template: ${template.extra.map(printableName).join(", ")}`);
    }

    const only = selectOnly(obtained.secrets, options.only);
    if (only.missing.length > 0) {
      throw new Failure(ExitCode.CONFIG, `${where} lacks keys given to --only: ${only.missing.map(printableName).join(", ")} (the command was not started)`);
    }

    const names = applyNameRules(only.selected, { allowNames: options.allowName ?? [], skipInvalid: options.skipInvalid });
    reportNameRules(names, log, "run");

    const { env, preserved } = buildChildEnv({
      inherited: process.env,
      secrets: names.accepted,
      preserve: options.preserveEnv ?? false,
      passToken: options.passToken,
      token: settings.token,
    });
    if (preserved.length > 0) log.debug(`kept inherited values of: ${preserved.join(", ")}`);
    const injected = Object.keys(names.accepted).filter((name) => !preserved.includes(name));
    log.debug(`injecting ${injected.length} secrets: ${injected.sort().join(", ") || "(none)"}`);
    // performance.now() counts from process start: the whole cost secr-run adds before the child.
    log.debug(`ready to start the child ${Math.round(performance.now())}ms after process start (run began at ${Math.round(started)}ms)`);

    // Files and masking (docs/delivery.md): everything is checked first; files are written
    // only right before the child starts, and removed however secr-run ends.
    const injectedSet = Object.fromEntries(injected.map((name) => [name, names.accepted[name]!]));
    let childEnv = env;
    let carryOut: (() => void) | undefined;
    if (hasDelivery(delivery.spec)) {
      const { prepareDelivery, carryOutDelivery } = await import("../deliver/deliver.js");
      const prepared = prepareDelivery(delivery.spec, injectedSet);
      childEnv = prepared.applyEnv(childEnv);
      carryOut = () => {
        const delivered = carryOutDelivery(prepared);
        log.debug(`wrote ${delivered.paths.length} files (run directory ${delivered.runDir})`);
      };
    }
    let output: OutputFilters | undefined;
    if (delivery.maskMinLength !== undefined) {
      const [{ setUpMask }, { colourEnv }] = await Promise.all([import("../mask/setup.js"), import("../mask/colour.js")]);
      const mask = setUpMask(injectedSet, delivery.maskMinLength);
      if (mask.tooShort.length > 0) log.debug(`not masked (shorter than ${delivery.maskMinLength} characters): ${mask.tooShort.join(", ")}`);
      log.debug(`masking ${mask.patternCount} patterns`);
      output = mask.filters;
      childEnv = colourEnv(childEnv, process.stdout.isTTY === true);
    }
    carryOut?.();

    // The snapshot write (after a pull) finishes while the child runs; secr-run waits for it
    // (bounded) after the child ends. On the failure paths above, the event loop waits for it.
    return await supervisor.run({ ...command, env: childEnv }, { settle: obtained.saved, output });
  } catch (error) {
    // A terminating signal arrived first: the supervisor is ending the process as if killed by
    // it; a message about the cancelled request would only be noise.
    if (supervisor.signal.aborted) return ExitCode.UNAVAILABLE;
    if (error instanceof Failure || error instanceof DeliveryError) {
      log.error(error.message);
      return error.exitCode as number;
    }
    throw error;
  }
}
