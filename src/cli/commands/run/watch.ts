// --watch for `run`: the effects around the watch loop (src/watch/loop.ts). A relevant change
// is pulled, planned under exactly the start's rules (planFor), and then reloads or restarts the
// child through the supervisor; a set that would not start leaves the child alone. docs/watch.md.
import type { ChildCommand } from "../../../supervise/command.js";
import type { Supervisor } from "../../../supervise/supervisor.js";
import { DeliveryError } from "../../../core/failure.js";
import type { ApplyOutcome } from "../../../watch/loop.js";
import type { WatchSettings } from "../../../watch/settings.js";
import type { Launcher } from "./child-launch.js";
import { FetchFailure } from "../../../pipeline/fetch-failure.js";
import type { Logger } from "../../log.js";
import { planFor, type PrepareOptions, type Prepared } from "../../../pipeline/prepare.js";
import { pullFromSecr } from "../../../pipeline/pull-secrets.js";
import { openSnapshotStore } from "../../../pipeline/snapshot-fallback.js";
import { snapshotLayers } from "../../../pipeline/snapshot-layers.js";

export interface WatchRun {
  watch: WatchSettings;
  prepared: Prepared;
  prepareOptions: PrepareOptions;
  launcher: Launcher;
  /** The command without its environment. */
  command: Omit<ChildCommand, "env">;
  supervisor: Supervisor;
  log: Logger;
  /** The environment the current child has. */
  env: Readonly<Record<string, string>>;
  /** New values to keep out of every message and the report. */
  sensitive(values: string[]): void;
  onRestart(): void;
}

export async function startWatching(run: WatchRun): Promise<void> {
  const { watch, prepared, log, supervisor } = run;
  const { settings, cache } = prepared;
  const { SecrClient } = await import("../../../client/client.js");
  const { watchLoop } = await import("../../../watch/loop.js");
  // One client for every poll: the connection stays open, so an idle poll is one small request.
  const client = new SecrClient({ token: settings.token, apiUrl: settings.apiUrl, timeout: settings.timeoutMs, maxRetries: 0 });
  let currentEnv = run.env;
  let lastRejection: string | undefined;
  const mode = watch.reloadSignal === undefined ? `restart with ${watch.stopSignal}` : `reload with ${watch.reloadSignal}`;
  log.debug(`watching ${prepared.where} every ${watch.intervalMs} ms (${mode})`);

  const apply = async (changed: readonly string[]): Promise<ApplyOutcome> => {
    log.debug(`watch: changed: ${changed.join(", ")}; pulling`);
    let pulled;
    try {
      pulled = await pullFromSecr(settings, undefined, log, run.prepareOptions.validate);
    } catch (error) {
      if (error instanceof FetchFailure && error.decision === "purge") {
        log.warn(`secr refused the pull while watching (${error.reason}): no more updates; the program keeps running with its current secrets`);
        return { kind: "stopped" };
      }
      return { kind: "failed", error };
    }
    run.sensitive(Object.values(pulled.secrets));
    if (cache.enabled) {
      const data = { secrets: pulled.secrets, validation: pulled.validation ?? null, fetchedAt: Date.now(), ...snapshotLayers(pulled) };
      await openSnapshotStore(settings, cache, log).save(data);
    }
    const plan = planFor(run.prepareOptions, settings, prepared.schema, { ...pulled, source: "secr" });
    if (plan.stop !== undefined) {
      // Once per distinct problem; the message names keys and rules, never values.
      if (plan.stop.message !== lastRejection) log.warn(`the changed secrets would not start the program (${plan.stop.message}); it keeps running with the previous ones`);
      lastRejection = plan.stop.message;
      return { kind: "rejected" };
    }
    lastRejection = undefined;
    if (sameEnv(plan.env, currentEnv)) return { kind: "unchanged" };
    let launch;
    try {
      launch = run.launcher(plan);
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      log.warn(`the changed secrets would not start the program (${error.message}); it keeps running with the previous ones`);
      return { kind: "rejected" };
    }
    if (supervisor.stopping) return { kind: "stopped" };
    if (watch.reloadSignal !== undefined) {
      // The environment of a running process cannot change: a reload rewrites the files.
      launch.deliver();
      if (!supervisor.reload(watch.reloadSignal)) return { kind: "stopped" };
      log.debug(`watch: sent ${watch.reloadSignal} (${changed.join(", ")} changed)`);
      currentEnv = plan.env;
      return { kind: "applied" };
    }
    const outcome = await supervisor.restart({ signal: watch.stopSignal, timeoutMs: watch.stopTimeoutMs }, () => {
      launch.deliver();
      return { command: { ...run.command, env: launch.env }, output: launch.output };
    });
    if (outcome !== "restarted") return { kind: "stopped" };
    currentEnv = plan.env;
    run.onRestart();
    log.debug(`watch: restarted (${changed.join(", ")} changed)`);
    return { kind: "applied" };
  };

  await watchLoop({
    settings: watch,
    client,
    org: settings.org,
    project: settings.project,
    env: settings.env,
    layers: settings.layers,
    log,
    initial: prepared.obtained.source === "secr" ? prepared.obtained.versions : undefined,
    stopping: () => supervisor.stopping,
    apply,
  });
  await client.close().catch(() => undefined);
}

function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}
