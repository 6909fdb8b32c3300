// Which cached answers a write passed upstream can have changed (docs/guide/fleet.md, "What the
// agent does"). Pure. A write upstream refused (4xx: rejected token, forbidden, bad request, rate
// limited) changed nothing, so another pod's refused writes never cost this node its cache; a
// write whose answer was lost or failed (no answer, 5xx) may have happened.
import type { RouteMatch } from "../http/routes.js";

export type Invalidation = { kind: "none" } | { kind: "scope"; scope: string } | { kind: "all" };

/** "org\0project" a route is about; "" for routes that name no project. */
export function scopeOf(match: RouteMatch): string {
  const { org, project } = match.params;
  return org !== undefined && project !== undefined ? `${org}\0${project}` : "";
}

/** `status` is undefined when upstream gave no answer (network error, timeout). */
export function invalidationAfterWrite(match: RouteMatch, status: number | undefined): Invalidation {
  if (status !== undefined && status >= 400 && status < 500) return { kind: "none" };
  // A new token or project changes no answer already cached (404s are never cached).
  if (match.name === "createToken" || match.name === "createProject") return { kind: "none" };
  const scope = scopeOf(match);
  // A revoked token is not known by its identifier here: every token's answers go.
  return scope === "" ? { kind: "all" } : { kind: "scope", scope };
}
