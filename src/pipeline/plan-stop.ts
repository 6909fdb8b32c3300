// What run and export say about a plan before acting on it: its warnings, then its stop as a Failure.
import type { Plan } from "../plan/plan.js";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import type { Logger } from "../core/logger.js";

/** The name rules' warnings speak only once the template and --only passed (a stop for refused names, 65, still lists them). */
export function warnOrStop(plan: Pick<Plan, "stop" | "warnings">, log: Pick<Logger, "warn">): void {
  if (plan.stop === undefined || plan.stop.exitCode === ExitCode.DATA)
    for (const warning of plan.warnings) log.warn(warning);
  if (plan.stop !== undefined) throw new Failure(plan.stop.exitCode, plan.stop.message);
}
