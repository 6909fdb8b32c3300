// Authorization: does the token's role and every level of its scope (org, project,
// environment) cover what the request touches? (docs/design/server.md, "Tokens and scopes")
import { ApiError } from "../store/errors.js";
import type { TokenRecord } from "../store/model.js";

export interface Access {
  /** The request changes data. */
  write: boolean;
  org: string;
  /** Undefined for org-level requests (creating a project). */
  project?: string;
  /**
   * The environments the request touches; [] for project metadata any token of the project
   * may read (templates, environment names), "project" for project-wide changes an
   * env-scoped token may not make.
   */
  envs: string[] | "project";
}

const forbidden = (message: string) => new ApiError("forbidden", message);

/** 403 when the role or any level of the scope does not cover the request. */
export function authorize(token: TokenRecord, access: Access): void {
  if (access.write && token.role !== "admin") throw forbidden("this token is read-only (viewer role)");
  if (token.org !== undefined && token.org !== access.org)
    throw forbidden(`this token is limited to organization "${token.org}"`);
  if (token.project !== undefined && token.project !== access.project) {
    throw forbidden(`this token is limited to project "${token.org}/${token.project}"`);
  }
  if (token.env === undefined) return;
  const limited = forbidden(`this token is limited to environment "${token.env}"`);
  if (access.envs === "project" || access.project === undefined) throw limited;
  for (const env of access.envs) if (env !== token.env) throw limited;
}

/**
 * Token administration needs an admin token that is unscoped or scoped to an org only (which
 * then manages the tokens of its org); project and environment tokens manage none.
 */
export function authorizeTokenAdmin(token: TokenRecord): void {
  if (token.role !== "admin") throw forbidden("managing tokens needs an admin token");
  if (token.project !== undefined || token.env !== undefined) {
    throw forbidden("managing tokens needs an admin token that is unscoped or scoped to an organization only");
  }
}
