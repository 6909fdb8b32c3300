// `secr-run [options] -- <command> [args...]`: pull, validate, inject, supervise.
// Every decision is made by prepare() (the pure plan of src/launcher/plan.ts, shared with export
// and explain); this file sequences the effects: signals first, then the child, then the report.
import { buildCommand } from "../launcher/command.js";
import { startSupervisor } from "../launcher/supervisor.js";
import { DeliveryError } from "../deliver/error.js";
import { target } from "../config/target.js";
import { deliverySettings } from "./delivery-options.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import { createLogger } from "./log.js";
import { runCommand } from "./commands/run.js";
import { scanVerbosity } from "./commands/globals.js";
import type { FetchStats } from "./obtain-secrets.js";
import { warnOrStop } from "./plan-stop.js";
import type { RunReporter } from "./run-reporter.js";
import type { PrepareOptions } from "./prepare.js";
import { runPrepareOptions } from "./prepare-options.js";
import { watchSettings } from "../watch/settings.js";
import { discardPreconnected } from "./preconnect.js";
import { startJitterMs, waitJitter } from "./start-jitter.js";

export async function main(args: string[]): Promise<number> {
  const started = performance.now();
  const log = createLogger(scanVerbosity(args));
  // First, before anything slow: signal listeners (docs/process-model.md, "Before the child").
  const supervisor = startSupervisor({ warn: log.warn, debug: log.debug, error: log.error });
  const stats: FetchStats = { requests: 0 };
  let reporter: RunReporter | undefined;
  try {
    const { options, rest } = runCommand.parse(args);
    const command = buildCommand(rest, options.command);
    if (command instanceof Error) throw new Failure(ExitCode.USAGE, command.message);
    const delivery = deliverySettings(options);
    const watch = watchSettings(options);
    if (watch instanceof Error) throw new Failure(ExitCode.USAGE, watch.message);
    if (options.reportJson !== undefined) reporter = (await import("./run-reporter.js")).createRunReporter(options.reportJson, log);
    const jitterMs = startJitterMs(options.startJitter, process.env);
    // Loaded after the listeners and the usage checks: settings validation (zod) is not small.
    const { prepare } = await import("./prepare.js");
    const facts = reporter?.facts;
    const prepareOptions: PrepareOptions = {
      ...runPrepareOptions(options, log),
      signal: supervisor.signal,
      stats,
      onSettings: (settings) => {
        if (facts === undefined) return;
        facts.target = target(settings);
        facts.timings.settingsMs = performance.now();
        reporter!.sensitive([settings.token]);
      },
    };
    if (jitterMs > 0) {
      discardPreconnected(); // an early connection would sit idle through the wait
      log.debug(`start jitter: waited ${await waitJitter(jitterMs, supervisor.signal)}ms of at most ${jitterMs}ms`);
    }
    const prepared = await prepare(prepareOptions);
    discardPreconnected(); // a socket opened early that the pull did not take
    const { obtained, plan } = prepared;
    if (facts !== undefined) {
      reporter!.sensitive(Object.values(obtained.secrets));
      Object.assign(facts, {
        source:
          obtained.source === "snapshot"
            ? { kind: "snapshot", ageMs: obtained.ageMs ?? 0, shared: obtained.shared === true }
            : { kind: "secr", ...(obtained.staleMs !== undefined ? { staleMs: obtained.staleMs } : {}) },
        requests: stats.requests,
        injected: plan.injected,
        refused: plan.refused,
        template: plan.template === undefined ? undefined : { valid: !plan.template.failed, missing: plan.template.missing },
        schema: plan.schema === undefined ? undefined : { failures: plan.schema.failures },
      });
      if (stats.fetchMs !== undefined) facts.timings.fetchMs = stats.fetchMs;
      if (stats.validationMs !== undefined) facts.timings.validationMs = stats.validationMs;
    }

    warnOrStop(plan, log);
    const kept = plan.rows.filter((row) => row.action === "kept").map((row) => row.key);
    if (kept.length > 0) log.debug(`kept inherited values of: ${kept.join(", ")}`);
    log.debug(`injecting ${plan.injected.length} secrets: ${plan.injected.join(", ") || "(none)"}`);
    // performance.now() counts from process start: the whole cost secr-run adds before the child.
    const ready = performance.now();
    log.debug(`ready to start the child ${Math.round(ready)}ms after process start (run began at ${Math.round(started)}ms)`);

    // Files and masking (docs/delivery.md): everything is checked first; files are written
    // only right before the child starts, and removed however secr-run ends.
    const { createLauncher } = await import("./child-launch.js");
    const launcher = await createLauncher(delivery, log);
    const launch = launcher(plan);
    launch.deliver();
    if (watch !== undefined) {
      const { startWatching } = await import("./watch-run.js");
      // Starts polling once the child exists (the first poll waits an interval anyway).
      setImmediate(() => {
        startWatching({
          watch,
          prepared,
          prepareOptions,
          launcher,
          command,
          supervisor,
          log,
          env: plan.env,
          sensitive: (values) => reporter?.sensitive(values),
          onRestart: () => {
            if (facts !== undefined) facts.restarts += 1;
          },
        }).catch((error: unknown) => log.warn(`watching stopped: ${error instanceof Error ? error.message : String(error)}`));
      });
    }

    // The snapshot write (after a pull) finishes while the child runs; secr-run waits for it
    // (bounded) after the child ends. On the failure paths above, the event loop waits for it.
    return await supervisor.run(
      { ...command, env: launch.env },
      {
        settle: obtained.saved,
        output: launch.output,
        onSpawn: (pid) => {
          if (facts === undefined) return;
          // Under --watch, called for each child: the timing is the first start's, the pid the last child's.
          facts.timings.spawnMs ??= performance.now() - ready;
          facts.child = { pid, result: undefined };
        },
        beforeExit:
          reporter === undefined
            ? undefined
            : async (result, action) => {
                facts!.child = { pid: facts!.child?.pid, result };
                const { exitOf } = await import("./run-reporter.js");
                await reporter!.write(exitOf(action));
              },
      },
    );
  } catch (error) {
    // A terminating signal arrived first: the supervisor is ending the process as if killed by
    // it; a message about the cancelled request would only be noise.
    if (supervisor.signal.aborted) return ExitCode.UNAVAILABLE;
    if (error instanceof Failure || error instanceof DeliveryError) {
      log.error(error.message);
      if (reporter !== undefined) {
        reporter.facts.requests = stats.requests;
        await reporter.write({ code: error.exitCode }, error.message);
      }
      return error.exitCode as number;
    }
    throw error;
  }
}
