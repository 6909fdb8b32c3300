// Turns the name rules' verdict into warnings, or a failure (exit 65) naming every offending key.
import type { NameRuleResult } from "../launcher/names.js";
import { describeNameRules, type NameContext } from "../launcher/name-verdict.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import type { Logger } from "./log.js";

export type { NameContext } from "../launcher/name-verdict.js";

export function reportNameRules(result: NameRuleResult, log: Logger, context: NameContext): void {
  const { warnings, fatal } = describeNameRules(result, context);
  // Before the failure, as before: the reserved-name warning comes first.
  for (const warning of warnings) log.warn(warning);
  if (fatal !== undefined) throw new Failure(ExitCode.DATA, fatal);
}
