// --watch for `run`: the effects around the watch loop (src/watch/loop.ts). A relevant change
// is pulled, planned under exactly the start's rules (planFor), and then reloads or restarts the
// child through the supervisor; a set that would not start leaves the child alone. docs/design/watch.md.
import type { ChildCommand } from "../../../supervise/command.js";
import type { Supervisor } from "../../../supervise/supervisor.js";
import { DeliveryError } from "../../../core/failure.js";
import { watchedValuesChanged } from "../../../watch/decide.js";
import { printableName } from "../../../plan/names.js";
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
  const client = new SecrClient({
    token: settings.token,
    apiUrl: settings.apiUrl,
    timeout: settings.timeoutMs,
    maxRetries: 0,
  });
  let currentEnv = run.env;
  // The values the running child got, whatever their source (secr, a shared fetch, the snapshot).
  let currentSecrets: Readonly<Record<string, string>> = prepared.obtained.secrets;
  let lastRejection: string | undefined;
  const mode =
    watch.reloadSignal === undefined ? `restart with ${watch.stopSignal}` : `reload with ${watch.reloadSignal}`;
  log.debug(`watching ${prepared.where} every ${watch.intervalMs} ms (${mode})`);

  const apply = async (changed: readonly string[]): Promise<ApplyOutcome> => {
    log.debug(`watch: changed: ${changed.join(", ")}; pulling`);
    let pulled;
    const startedAt = Date.now();
    try {
      pulled = await pullFromSecr(settings, undefined, log, run.prepareOptions.validate);
    } catch (error) {
      if (error instanceof FetchFailure && error.decision === "purge") {
        log.warn(
          `secr refused the pull while watching (${error.reason}): no more updates; the program keeps running with its current secrets`,
        );
        return { kind: "stopped" };
      }
      return { kind: "failed", error };
    }
    run.sensitive(Object.values(pulled.secrets));
    if (cache.enabled) {
      const data = {
        secrets: pulled.secrets,
        validation: pulled.validation ?? null,
        fetchedAt: Date.now(),
        fetchStartedAt: startedAt,
        versions: pulled.versions,
        ...snapshotLayers(pulled),
      };
      await openSnapshotStore(settings, cache, log).save(data);
    }
    const plan = planFor(run.prepareOptions, settings, prepared.schema, { ...pulled, source: "secr" });
    if (plan.stop !== undefined) {
      // Once per distinct problem; the message names keys and rules, never values.
      if (plan.stop.message !== lastRejection)
        log.warn(
          `the changed secrets would not start the program (${plan.stop.message}); it keeps running with the previous ones`,
        );
      lastRejection = plan.stop.message;
      return { kind: "rejected" };
    }
    lastRejection = undefined;
    if (!watchedValuesChanged(currentSecrets, pulled.secrets, watch.watchKeys) || sameEnv(plan.env, currentEnv))
      return { kind: "unchanged" };
    let launch;
    try {
      launch = run.launcher(plan);
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      log.warn(
        `the changed secrets would not start the program (${error.message}); it keeps running with the previous ones`,
      );
      return { kind: "rejected" };
    }
    // The new files are written beside the current ones first: a failure here changes nothing
    // and the child keeps running. Only commit() touches the delivered paths (docs/design/watch.md).
    let staged;
    try {
      staged = launch.stage();
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      log.warn(
        `the files for the changed secrets cannot be written (${error.message}); the program keeps running with the previous ones`,
      );
      return { kind: "rejected" };
    }
    if (supervisor.stopping) {
      staged.discard();
      return { kind: "stopped" };
    }
    const stop = { signal: watch.stopSignal, timeoutMs: watch.stopTimeoutMs };
    if (watch.reloadSignal !== undefined) {
      // The environment of a running process cannot change: a reload replaces the files.
      try {
        staged.commit();
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        // A delivered path is no longer ours: the program must not go on reading it. Stopping
        // ends secr-run with the delivery's exit code, as a failed restart does.
        log.warn(`stopping the program: its delivered files cannot be replaced (${error.message})`);
        await supervisor.restart(stop, () => {
          throw error;
        });
        return { kind: "stopped" };
      }
      log.debug("watch: replaced the delivered files");
      if (!supervisor.reload(watch.reloadSignal)) return { kind: "stopped" };
      log.info(changeLine(`reloaded the program with ${watch.reloadSignal}`, changed));
      currentEnv = plan.env;
      currentSecrets = pulled.secrets;
      return { kind: "applied" };
    }
    const outcome = await supervisor.restart(stop, () => {
      staged.commit();
      return { command: { ...run.command, env: launch.env }, output: launch.output };
    });
    if (outcome !== "restarted") {
      staged.discard();
      return { kind: "stopped" };
    }
    currentEnv = plan.env;
    currentSecrets = pulled.secrets;
    run.onRestart();
    log.info(changeLine("restarted the program", changed));
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
    pollTimeoutMs: settings.timeoutMs,
    // The versions of the values the child got, pulled now or recorded in the snapshot.
    initial: prepared.obtained.versions,
    stopping: () => supervisor.stopping,
    apply,
  });
  await client.close().catch(() => undefined);
}

/** One line per restart or reload: what changed, by name (names are printable, values never appear). */
function changeLine(what: string, changed: readonly string[]): string {
  const shown = changed.slice(0, MAX_NAMES_SHOWN).map(printableName).join(", ");
  const more = changed.length > MAX_NAMES_SHOWN ? ` and ${changed.length - MAX_NAMES_SHOWN} more` : "";
  return `${what}: ${changed.length === 1 ? "secret" : "secrets"} ${shown}${more} changed`;
}

/** A line stays readable when a whole environment changes at once. */
const MAX_NAMES_SHOWN = 10;

function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}
