// The --watch loop: poll secr's keys route (a 304 while nothing changed), decide with the pure
// functions of decide.ts, and hand a relevant change to `apply` (pull, plan, restart or reload;
// src/cli/commands/run/watch.ts). The child keeps running whatever happens here. See docs/design/watch.md.
import { setTimeout as sleep } from "node:timers/promises";
import { PULL_PAGE_SIZE, type SecrClient } from "../client/client.js";
import { isSecrApiError, SecrApiError } from "../client/errors.js";
import { addPage, newPageState } from "../client/paging.js";
import type { SecretMeta } from "../client/schemas.js";
import type { Logger } from "../core/logger.js";
import {
  backoffMs,
  changedKeys,
  classifyPollFailure,
  decideChange,
  jittered,
  RATE_LIMIT,
  rateLimit,
  type Versions,
} from "./decide.js";
import { layeredPoller, type LayerTarget } from "./layered-poll.js";
import type { WatchSettings } from "./settings.js";

/** What applying a change came to. `applied`: the child runs on the new set (restarted or
 *  reloaded); `unchanged`: the new set gives the child the same environment; `rejected`: the
 *  new set would not start (warned), the child keeps the old one; `failed`: the pull failed. */
export type ApplyOutcome =
  { kind: "applied" | "unchanged" | "rejected" | "stopped" } | { kind: "failed"; error: unknown };

export interface WatchLoop {
  settings: WatchSettings;
  client: SecrClient;
  org: string;
  project: string;
  env: string;
  /** Several `--env` layers: every poll asks each (layered-poll.ts). */
  layers?: readonly LayerTarget[] | undefined;
  log: Logger;
  /** One deadline for a whole poll, every page included (--timeout). */
  pollTimeoutMs: number;
  /** Versions the first child started with; undefined (started from a snapshot): unknown, so the
   *  first answer counts as a change and `apply` compares the values. */
  initial: Versions | undefined;
  /** True once secr-run is on its way out (the child ended, or a stop signal came). */
  stopping(): boolean;
  apply(changed: readonly string[]): Promise<ApplyOutcome>;
  now?: () => number;
}

export async function watchLoop(loop: WatchLoop): Promise<void> {
  const { settings, log } = loop;
  const now = loop.now ?? Date.now;
  let applied: Versions = loop.initial ?? {};
  let seen: Versions = applied;
  let lastChangeAt = loop.initial === undefined ? 0 : now();
  let etag: string | undefined;
  let failures = 0;
  let outage = false;
  let rateWarned = false;
  const restarts: number[] = [];
  let delay = loop.initial === undefined ? 0 : jittered(settings.intervalMs);
  const pollLayers =
    loop.layers !== undefined && loop.layers.length > 1
      ? layeredPoller(loop.layers, (target, tag, setTag) => pollKeys({ ...loop, ...target }, tag, setTag))
      : undefined;

  const failed = (error: unknown): "stop" | number => {
    const status = isSecrApiError(error) ? error.statusCode : 0;
    if (classifyPollFailure(status) === "auth") {
      log.warn(
        `secr refused the token (${status}) while watching: no more updates; the program keeps running with its current secrets`,
      );
      return "stop";
    }
    failures += 1;
    if (!outage)
      log.warn(
        `${unusable(error) ? "secr's answer is unusable" : "cannot reach secr"} while watching (${reason(error)}); the program keeps running with its current secrets, retrying`,
      );
    outage = true;
    const retryAfter = isSecrApiError(error) && error.retryAfter !== undefined ? error.retryAfter * 1000 : undefined;
    const wait = backoffMs(failures, settings.intervalMs, retryAfter);
    log.debug(`watch: poll failed (${failures} in a row); next in ${wait} ms`);
    return wait;
  };

  while (!loop.stopping()) {
    if (delay > 0) await sleep(delay);
    if (loop.stopping()) return;
    delay = jittered(settings.intervalMs);
    let versions: Versions | undefined;
    try {
      versions = pollLayers !== undefined ? await pollLayers() : await pollKeys(loop, etag, (tag) => (etag = tag));
    } catch (error) {
      const next = failed(error);
      if (next === "stop") return;
      delay = next;
      continue;
    }
    if (outage) log.warn("secr is reachable again; watching");
    outage = false;
    failures = 0;
    const at = now();
    if (versions !== undefined && changedKeys(seen, versions).length > 0) {
      seen = versions;
      lastChangeAt = at;
    }
    const decision = decideChange({
      applied,
      seen,
      lastChangeAt,
      now: at,
      debounceMs: settings.debounceMs,
      watchKeys: settings.watchKeys,
    });
    log.debug(
      `watch: poll ${versions === undefined ? "304 not modified" : "200"}; ${decision.kind}${"changed" in decision ? ` (${decision.changed.join(", ")})` : ""}`,
    );
    if (decision.kind === "none") continue;
    if (decision.kind === "ignore") {
      applied = seen;
      continue;
    }
    if (decision.kind === "wait") {
      delay = Math.min(delay, decision.delayMs);
      continue;
    }
    const limit = rateLimit(restarts, at);
    if (!limit.allowed) {
      if (!rateWarned)
        log.warn(
          `more than ${RATE_LIMIT.max} restarts within ${RATE_LIMIT.windowMs / 1000}s: pausing restarts for ${Math.ceil(limit.retryInMs / 1000)}s`,
        );
      rateWarned = true;
      delay = limit.retryInMs;
      continue;
    }
    rateWarned = false;
    const target = seen;
    const outcome = await loop.apply(decision.changed);
    log.debug(`watch: ${outcome.kind}`);
    if (outcome.kind === "stopped") return;
    if (outcome.kind === "failed") {
      const next = failed(outcome.error);
      if (next === "stop") return;
      delay = next;
      continue;
    }
    applied = target;
    if (outcome.kind === "applied") restarts.push(at);
  }
}

/** The keys and versions, or undefined for a 304. Pages past the first are fetched only when
 *  the first changed, under the pull's rules (src/client/paging.ts): one deadline for the whole
 *  poll, the item, page and size caps, and a set that shifts between pages fails the poll. */
async function pollKeys(
  loop: WatchLoop,
  etag: string | undefined,
  setEtag: (etag: string) => void,
): Promise<Versions | undefined> {
  const { client, org, project, env } = loop;
  const signal = AbortSignal.timeout(loop.pollTimeoutMs);
  try {
    const first = await client.listKeysIfChanged(org, project, env, { ifNoneMatch: etag, signal });
    if (first.notModified) return undefined;
    const state = newPageState<SecretMeta>();
    let verdict = addPage(state, 0, { secrets: first.keys, pagination: first.pagination });
    while (verdict.next === "more") {
      const next = await client.listKeys(org, project, env, { offset: verdict.offset, limit: PULL_PAGE_SIZE, signal });
      verdict = addPage(state, verdict.offset, { secrets: next.keys, pagination: next.pagination });
    }
    const where = `keys of ${org}/${project}/${env}`;
    if (verdict.next === "inconsistent")
      throw new SecrApiError(`${where} changed between pages (${verdict.reason})`, 200, "inconsistent_data");
    if (verdict.next === "too-large") throw new SecrApiError(`${where}: ${verdict.reason}`, 0, "response_too_large");
    const versions: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const key of state.secrets) versions[key.key] = key.version;
    // Only once the whole set is in: a failed page must not make the next poll a 304.
    if (first.etag !== undefined) setEtag(first.etag);
    return versions;
  } catch (error) {
    if (signal.aborted && isSecrApiError(error) && error.code === "aborted")
      throw new SecrApiError(`the poll took longer than ${loop.pollTimeoutMs} ms`, 0, "timeout");
    throw error;
  }
}

/** The answer came, but cannot be used: more than a listing may hold, or a set that shifted. */
function unusable(error: unknown): boolean {
  return (
    isSecrApiError(error) &&
    (error.code === "response_too_large" || error.code === "inconsistent_data" || error.code === "invalid_response")
  );
}

function reason(error: unknown): string {
  if (isSecrApiError(error)) return error.statusCode === 0 || unusable(error) ? error.code : `${error.statusCode}`;
  return error instanceof Error ? error.name : "error";
}
