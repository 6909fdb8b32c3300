// The --mask filters for one run: the patterns of every injected value, a redactor for stdout
// and one for stderr.
import type { OutputFilters } from "../supervise/output.js";
import { maskPatterns } from "./patterns.js";
import { MaskStream } from "./stream.js";

export interface MaskSetup {
  filters: OutputFilters;
  /** Keys left unmasked because their value is shorter than the minimum length. */
  tooShort: string[];
  patternCount: number;
}

export function setUpMask(secrets: Readonly<Record<string, string>>, minLength: number): MaskSetup {
  const { patterns, tooShort } = maskPatterns(secrets, minLength);
  return { filters: { stdout: new MaskStream(patterns), stderr: new MaskStream(patterns) }, tooShort, patternCount: patterns.length };
}
