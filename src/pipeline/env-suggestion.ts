// "did you mean" for an environment that secr does not know (404): the project's environments
// and the closest one. Pure; pull-secrets.ts asks secr for the list (an admin route: a viewer
// token gets 403, and then nothing is added).
import { closest } from "../core/suggest.js";

/** The text appended to the 404 message, or "" when the list says nothing useful. */
export function environmentHint(env: string, environments: readonly string[]): string {
  if (environments.length === 0 || environments.includes(env)) return "";
  const sorted = [...environments].sort();
  const suggestion = closest(env, sorted);
  return `; environments: ${sorted.join(", ")}${suggestion === undefined ? "" : `; did you mean "${suggestion}"?`}`;
}
