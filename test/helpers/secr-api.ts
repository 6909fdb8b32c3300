// The secr API a run talks to, as msw handlers (served over loopback by msw-server.ts): the two
// routes `secr-run run` uses, with the wire contract's bodies (docs/design/wire-contract.md).
import { http, HttpResponse } from "msw";

export const SECRETS_ROUTE = "*/v1/secrets/:org/:project/:env";
export const VALIDATE_ROUTE = "*/v1/templates/:org/:project/validate/:env";

export interface Validation {
  valid: boolean;
  missing: string[];
  extra: string[];
}
export const VALID: Validation = { valid: true, missing: [], extra: [] };

/** The body of a pull: every secret at version 1, on one page. */
export function secretList(entries: Record<string, string>) {
  return {
    secrets: Object.entries(entries).map(([key, value]) => ({
      key,
      value,
      version: 1,
      updatedAt: "2026-01-01T00:00:00Z",
    })),
    pagination: { limit: 1000, offset: 0, total: Object.keys(entries).length },
  };
}

/** Both routes: the secrets `entries()` gives at the time of each request, and a template verdict. */
export function secrHandlers(entries: () => Record<string, string>, validation: Validation = VALID) {
  return [
    http.get(SECRETS_ROUTE, () => HttpResponse.json(secretList(entries()))),
    http.get(VALIDATE_ROUTE, () => HttpResponse.json(validation)),
  ];
}
