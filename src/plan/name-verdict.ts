// What the name rules' verdict means for the user: warnings for what is left out, or the one
// failure (exit 65) naming every offending key. Pure; shared by run, export and explain.
import { printableName, type NameRuleResult } from "./names.js";

export type NameContext = "run" | "export";

export interface NameVerdict {
  warnings: string[];
  /** The message of the exit-65 failure, when the run must stop. */
  fatal: string | undefined;
}

export function describeNameRules(result: NameRuleResult, context: NameContext): NameVerdict {
  const list = (names: string[]) => [...names].sort().map(printableName).join(", ");
  const target = context === "run" ? "the child" : "the environment that reads this export";
  const warnings: string[] = [];
  const problems: string[] = [];
  if (result.invalidNames.length > 0)
    problems.push(`not valid environment variable names: ${list(result.invalidNames)}`);
  if (result.nulValues.length > 0) problems.push(`values containing a NUL byte: ${list(result.nulValues)}`);
  if (result.oversized.length > 0)
    problems.push(`values over the 128 KiB limit of one environment variable: ${list(result.oversized)}`);
  if (result.refused.length > 0) {
    problems.push(
      `names that load code into ${target}, refused: ${list(result.refused)} (allow one with --allow-name NAME)`,
    );
  }
  if (result.reserved.length > 0) {
    warnings.push(
      `left out secrets named like session basics: ${list(result.reserved)} (allow one with --allow-name NAME)`,
    );
  }
  if (problems.length > 0 && result.fatal) {
    const outcome = context === "run" ? "the command was not started" : "nothing was printed";
    return {
      warnings,
      fatal: `cannot ${context === "run" ? "inject" : "export"} secrets: ${problems.join("; ")} (${outcome}; --skip-invalid skips them)`,
    };
  }
  for (const problem of problems) warnings.push(`skipped ${problem}`);
  return { warnings, fatal: undefined };
}
