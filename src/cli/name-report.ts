// Turns the name rules' verdict into warnings, or a failure (exit 65) naming every offending key.
import type { NameRuleResult } from "../plan/names.js";
import { describeNameRules, type NameContext } from "../plan/name-verdict.js";
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import type { Logger } from "./log.js";

export type { NameContext } from "../plan/name-verdict.js";

export function reportNameRules(result: NameRuleResult, log: Logger, context: NameContext): void {
  const { warnings, fatal } = describeNameRules(result, context);
  // Before the failure, as before: the reserved-name warning comes first.
  for (const warning of warnings) log.warn(warning);
  if (fatal !== undefined) throw new Failure(ExitCode.DATA, fatal);
}
