// `run --exec`: secr-run becomes the command once the secrets are in (docs/design/process-model.md,
// "Exec mode"). Returns only when the exec could not be made: the exit code, its message logged.
import type { Logger } from "../../../core/logger.js";
import type { ChildCommand } from "../../../supervise/command.js";
import type { ExecDecision } from "../../../supervise/exec-rules.js";
import type { Supervisor } from "../../../supervise/supervisor.js";
import { flushCompileCaches } from "../../startup/compile-cache-dir.js";

export async function becomeCommand(
  command: ChildCommand,
  exec: ExecDecision,
  supervisor: Supervisor,
  settle: Promise<unknown> | undefined,
  log: Logger,
): Promise<number> {
  const { execInPlace } = await import("../../../supervise/exec.js");
  const failed = await execInPlace(command, {
    ...exec,
    inheritedIgnored: supervisor.inheritedIgnored,
    settle,
    beforeExec: flushCompileCaches,
  });
  if (failed.message !== undefined) log.error(failed.message);
  return failed.code;
}

/** The facts decideExec needs about this process. */
export function currentRuntime() {
  return {
    platform: process.platform,
    node: process.versions.node,
    hasExecve: typeof (process as { execve?: unknown }).execve === "function",
  };
}
