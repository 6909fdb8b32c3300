// `secr-run [options] -- <command> [args...]`: pull, validate, inject, supervise.
// Every decision is made by prepare() (the pure plan of src/plan/plan.ts, shared with export
// and explain); this file sequences the effects, in the order below. --report-json watches the
// steps (observer.ts) and takes no part in them.
import { buildCommand } from "../../../supervise/command.js";
import { startSupervisor } from "../../../supervise/supervisor.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import type { Logger } from "../../../core/logger.js";
import type { Plan } from "../../../plan/plan.js";
import { deliverySettings } from "./delivery-options.js";
import { createLogger } from "../../log.js";
import { runCommand } from "./command.js";
import { scanVerbosity } from "../../options/globals.js";
import type { FetchStats } from "../../../pipeline/obtain-secrets.js";
import { warnOrStop } from "../../../pipeline/plan-stop.js";
import { NO_OBSERVER, type RunObserver } from "./observer.js";
import { runPrepareOptions } from "../../prepare-options.js";
import { watchSettings } from "../../../watch/settings.js";
import { discardPreconnected } from "../../../pipeline/preconnect.js";
import { decideExec } from "../../../supervise/exec-rules.js";
import { becomeCommand, currentRuntime } from "./exec.js";
import { startJitterMs, waitJitter } from "../../../pipeline/start-jitter.js";

export async function main(args: string[]): Promise<number> {
  const log = createLogger(scanVerbosity(args));
  // 1. Signal listeners first, before anything slow (docs/design/process-model.md, "Before the child").
  const supervisor = startSupervisor({ warn: log.warn, debug: log.debug, error: log.error });
  const stats: FetchStats = { requests: 0 };
  let observer: RunObserver = NO_OBSERVER;
  try {
    // 2. The command line: every usage error before any request.
    const { options, rest } = runCommand.parse(args);
    const command = usable(buildCommand(rest, options.command));
    const delivery = deliverySettings(options);
    const watch = usable(watchSettings(options));
    const exec = options.exec ? usable(decideExec(options, currentRuntime())) : undefined;
    const jitterMs = startJitterMs(options.startJitter, process.env);
    if (options.reportJson !== undefined)
      observer = (await import("./report.js")).reportObserver(options.reportJson, stats, log);

    // 3. Settings, secrets (secr or the snapshot) and the plan. Loaded after the listeners and
    //    the usage checks: settings validation (zod) is not small.
    const { prepare } = await import("../../../pipeline/prepare.js");
    const prepareOptions = {
      ...runPrepareOptions(options, log, process.env),
      signal: supervisor.signal,
      stats,
      onSettings: observer.settings,
    };
    if (jitterMs > 0) {
      discardPreconnected(); // an early connection would sit idle through the wait
      log.debug(
        `start jitter: waited ${await waitJitter(jitterMs, supervisor.signal)}ms of at most ${jitterMs}ms (--start-jitter)`,
      );
    }
    const prepared = await prepare(prepareOptions);
    discardPreconnected(); // a socket opened early that the pull did not take
    observer.prepared(prepared);

    // 4. The plan's verdict: stop here, or start.
    warnOrStop(prepared.plan, log);
    describePlan(prepared.plan, log);

    // 5. --exec: secr-run becomes the command (docs/design/process-model.md, "Exec mode"); back
    //    here only if the exec failed. None of the steps below applies (decideExec refuses them).
    if (exec !== undefined)
      return await becomeCommand(
        { ...command, env: prepared.plan.env },
        exec,
        supervisor,
        prepared.obtained.saved,
        log,
      );

    // 6. Files and masking (docs/design/delivery.md): everything is checked first; files are written
    //    only right before the child starts, and removed however secr-run ends.
    const { createLauncher } = await import("./child-launch.js");
    const launcher = await createLauncher(delivery, log, command);
    const launch = launcher(prepared.plan);
    launch.deliver();

    // 7. --watch: polling starts once the child exists (the first poll waits an interval anyway).
    if (watch !== undefined) {
      const { startWatching } = await import("./watch.js");
      const sensitive = (values: string[]) => observer.sensitive(values);
      const onRestart = () => observer.restarted();
      setImmediate(() => {
        startWatching({
          watch,
          prepared,
          prepareOptions,
          launcher,
          command,
          supervisor,
          log,
          env: prepared.plan.env,
          sensitive,
          onRestart,
        }).catch((error: unknown) =>
          log.warn(`watching stopped: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
    }

    // 8. The child, supervised until it ends. The snapshot write (after a pull) finishes while it
    //    runs; secr-run waits for it (bounded) after the child ends.
    return await supervisor.run(
      { ...command, env: launch.env },
      { settle: prepared.obtained.saved, output: launch.output, onSpawn: observer.spawned, beforeExit: observer.ended },
    );
  } catch (error) {
    // A terminating signal arrived first: the supervisor is ending the process as if killed by
    // it; a message about the cancelled request would only be noise.
    if (supervisor.signal.aborted) return ExitCode.UNAVAILABLE;
    if (!(error instanceof Failure)) throw error;
    log.error(error.message);
    await observer.failed(error);
    return error.exitCode;
  }
}

/** A usage check's result, or its message as a usage error (64). */
function usable<T>(checked: T | Error): T {
  if (checked instanceof Error) throw new Failure(ExitCode.USAGE, checked.message);
  return checked;
}

/** --verbose: what the child gets, and secr-run's own cost before it. */
function describePlan(plan: Plan, log: Logger): void {
  const kept = plan.rows.filter((row) => row.action === "kept").map((row) => row.key);
  if (kept.length > 0) log.debug(`kept inherited values of: ${kept.join(", ")}`);
  log.debug(`injecting ${plan.injected.length} secrets: ${plan.injected.join(", ") || "(none)"}`);
  // performance.now() counts from process start: the whole cost secr-run adds before the child.
  log.debug(`ready to start the child ${Math.round(performance.now())}ms after process start`);
}
