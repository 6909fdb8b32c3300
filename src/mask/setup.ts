// The --mask filters for one run: the patterns of every injected value, within the budget
// (budget.ts), compiled once and shared by a redactor for stdout and one for stderr.
import type { OutputFilters } from "../supervise/output.js";
import { maskTooLarge } from "./budget.js";
import { maskPatterns } from "./patterns.js";
import { compileMask } from "./redactor.js";
import { MaskStream } from "./stream.js";

export interface MaskSetup {
  filters: OutputFilters;
  /** Keys left unmasked because their value is shorter than the minimum length. */
  tooShort: string[];
  patternCount: number;
}

/** The filters, or the one-line reason they would cost too much (nothing built then). */
export function setUpMask(
  secrets: Readonly<Record<string, string>>,
  minLength: number,
): MaskSetup | { tooLarge: string } {
  const { patterns, tooShort } = maskPatterns(secrets, minLength);
  const tooLarge = maskTooLarge(patterns);
  if (tooLarge !== undefined) return { tooLarge };
  const compiled = compileMask(patterns);
  return {
    filters: { stdout: new MaskStream(compiled), stderr: new MaskStream(compiled) },
    tooShort,
    patternCount: patterns.length,
  };
}
