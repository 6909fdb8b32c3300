// --report-json as an observer of the run (observer.ts): it collects the facts as the run tells
// them and writes the file when secr-run exits (src/report). A report that cannot be written
// costs one warning, never the run's exit code. Loaded only when --report-json is given.
import { VERSION } from "../../../client/version.js";
import { target } from "../../../config/target.js";
import type { Logger } from "../../../core/logger.js";
import type { FetchStats } from "../../../pipeline/obtain-secrets.js";
import { buildRunReport, serializeRunReport, type RunFacts } from "../../../report/run-report.js";
import type { RunObserver } from "./observer.js";

type CollectedFacts = Omit<RunFacts, "exit" | "endedAt" | "error">;

/** The observer for `--report-json path`; `stats` is the run's request count, filled by the pull. */
export function reportObserver(path: string, stats: FetchStats, log: Logger): RunObserver {
  const facts: CollectedFacts = {
    version: VERSION,
    target: undefined,
    // performance.timeOrigin: when this process started, so the report covers Node's own start.
    startedAt: performance.timeOrigin,
    timings: {},
    requests: 0,
    restarts: 0,
  };
  const masked: string[] = [];
  let readyAt = 0;
  const write = async (exit: RunFacts["exit"], error?: string) => {
    facts.requests = stats.requests;
    const report = buildRunReport({ ...facts, exit, endedAt: Date.now(), error });
    try {
      const { writeReportFile } = await import("../../../report/write-report.js");
      await writeReportFile(path, serializeRunReport(report, masked));
    } catch (failure) {
      log.warn(
        `could not write --report-json ${path}: ${(failure as NodeJS.ErrnoException).code ?? (failure as Error).message}`,
      );
    }
  };
  return {
    settings: (settings) => {
      facts.target = target(settings);
      facts.timings.settingsMs = performance.now();
      masked.push(settings.token);
    },
    prepared: ({ obtained, plan }) => {
      masked.push(...Object.values(obtained.secrets));
      Object.assign(facts, {
        source:
          obtained.source === "snapshot"
            ? { kind: "snapshot", ageMs: obtained.ageMs ?? 0, shared: obtained.shared === true }
            : { kind: "secr", ...(obtained.staleMs !== undefined ? { staleMs: obtained.staleMs } : {}) },
        injected: plan.injected,
        refused: plan.refused,
        template:
          plan.template === undefined ? undefined : { valid: !plan.template.failed, missing: plan.template.missing },
        schema: plan.schema === undefined ? undefined : { failures: plan.schema.failures },
      });
      if (stats.fetchMs !== undefined) facts.timings.fetchMs = stats.fetchMs;
      if (stats.validationMs !== undefined) facts.timings.validationMs = stats.validationMs;
      readyAt = performance.now();
    },
    sensitive: (values) => {
      for (const value of values) masked.push(value);
    },
    spawned: (pid) => {
      // Under --watch, called for each child: the timing is the first start's, the pid the last child's.
      facts.timings.spawnMs ??= performance.now() - readyAt;
      facts.child = { pid, result: undefined };
    },
    restarted: () => {
      facts.restarts += 1;
    },
    ended: async (result, action) => {
      facts.child = { pid: facts.child?.pid, result };
      await write(action.kind === "exit" ? { code: action.code } : { signal: action.signal });
    },
    failed: (failure) => write({ code: failure.exitCode }, failure.message),
  };
}
