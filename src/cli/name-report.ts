// Turns the name rules' verdict into warnings, or a failure (exit 65) naming every offending key.
import { printableName, type NameRuleResult } from "../launcher/names.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import type { Logger } from "./log.js";

export type NameContext = "run" | "export";

export function reportNameRules(result: NameRuleResult, log: Logger, context: NameContext): void {
  const list = (names: string[]) => [...names].sort().map(printableName).join(", ");
  const target = context === "run" ? "the child" : "the environment that reads this export";
  const problems: string[] = [];
  if (result.invalidNames.length > 0) problems.push(`not valid environment variable names: ${list(result.invalidNames)}`);
  if (result.nulValues.length > 0) problems.push(`values containing a NUL byte: ${list(result.nulValues)}`);
  if (result.oversized.length > 0) problems.push(`values over the 128 KiB limit of one environment variable: ${list(result.oversized)}`);
  if (result.refused.length > 0) {
    problems.push(`names that load code into ${target}, refused: ${list(result.refused)} (allow one with --allow-name NAME)`);
  }
  if (result.reserved.length > 0) {
    log.warn(`left out secrets named like session basics: ${list(result.reserved)} (allow one with --allow-name NAME)`);
  }
  if (problems.length === 0) return;
  if (result.fatal) {
    const outcome = context === "run" ? "the command was not started" : "nothing was printed";
    throw new Failure(ExitCode.DATA, `cannot ${context === "run" ? "inject" : "export"} secrets: ${problems.join("; ")} (${outcome}; --skip-invalid skips them)`);
  }
  for (const problem of problems) log.warn(`skipped ${problem}`);
}
