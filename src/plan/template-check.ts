// From the template validation answer to what stops the run. Pure.
import type { TemplateValidation } from "../client/schemas.js";

export interface TemplateCheck {
  /** True when the environment does not satisfy the template: the child must not start. */
  failed: boolean;
  /** Required template keys the environment lacks, sorted, without duplicates. */
  missing: string[];
  /** Keys the environment has that the template does not define, sorted (informational). */
  extra: string[];
}

export function checkTemplate(validation: TemplateValidation): TemplateCheck {
  const missing = [...new Set(validation.missing)].sort();
  // `valid: false` with an empty list is a server inconsistency: still a failure, fail closed.
  return { failed: !validation.valid || missing.length > 0, missing, extra: [...new Set(validation.extra)].sort() };
}
