// What a run tells whoever watches it (--report-json: report.ts): the steps of the run as they
// happen. The run's main calls these and nothing else; without --report-json nobody listens.
import type { Settings } from "../../../config/settings.js";
import type { Failure } from "../../../core/failure.js";
import type { Prepared } from "../../../pipeline/prepare.js";
import type { ChildResult, ExitAction } from "../../../supervise/exit-status.js";

export interface RunObserver {
  settings(settings: Settings): void;
  /** The secrets are here and the plan made; the child is about to be started. */
  prepared(prepared: Prepared): void;
  /** New values to keep out of the report (a --watch pull). */
  sensitive(values: Iterable<string>): void;
  spawned(pid: number | undefined): void;
  restarted(): void;
  /** The supervisor's beforeExit; undefined when there is nothing to write. */
  readonly ended: ((result: ChildResult, action: ExitAction) => Promise<void>) | undefined;
  /** secr-run stopped before (or instead of) the child. */
  failed(failure: Failure): Promise<void>;
}

export const NO_OBSERVER: RunObserver = {
  settings: () => {},
  prepared: () => {},
  sensitive: () => {},
  spawned: () => {},
  restarted: () => {},
  ended: undefined,
  failed: async () => {},
};
