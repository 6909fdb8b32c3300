// Collects the facts of one run as they happen and writes --report-json when secr-run exits
// (src/report). A report that cannot be written costs one warning, never the run's exit code.
import { VERSION } from "../../../client/version.js";
import type { ExitAction } from "../../../supervise/exit-status.js";
import { buildRunReport, serializeRunReport, type RunFacts } from "../../../report/run-report.js";
import type { Logger } from "../../log.js";

export type CollectedFacts = Omit<RunFacts, "exit" | "endedAt" | "error">;

export interface RunReporter {
  readonly facts: CollectedFacts;
  /** Strings the file must never contain (token, values): masked if they ever reach it. */
  sensitive(values: Iterable<string>): void;
  write(exit: RunFacts["exit"], error?: string): Promise<void>;
}

export function createRunReporter(path: string, log: Logger): RunReporter {
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
  return {
    facts,
    sensitive: (values) => {
      for (const value of values) masked.push(value);
    },
    write: async (exit, error) => {
      const report = buildRunReport({ ...facts, exit, endedAt: Date.now(), error });
      try {
        const { writeReportFile } = await import("../../../report/write-report.js");
        await writeReportFile(path, serializeRunReport(report, masked));
      } catch (failure) {
        log.warn(`could not write --report-json ${path}: ${(failure as NodeJS.ErrnoException).code ?? (failure as Error).message}`);
      }
    },
  };
}

/** How the report states secr-run's own end. */
export function exitOf(action: ExitAction): RunFacts["exit"] {
  return action.kind === "exit" ? { code: action.code } : { signal: action.signal };
}
