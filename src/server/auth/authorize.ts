// Authorization: does the token's role and scope cover what the request touches?
import { ApiError } from "../store/errors.js";
import type { TokenRecord } from "../store/model.js";

export interface Access {
  /** The request changes data. */
  write: boolean;
  /**
   * The environments the request touches; [] for project metadata any token may read
   * (templates), "project" for project-wide changes an env-scoped token may not make.
   */
  envs: string[] | "project";
}

/** 403 when the role or the environment scope does not cover the request. */
export function authorize(token: TokenRecord, access: Access): void {
  if (access.write && token.role !== "admin") throw new ApiError("forbidden", "this token is read-only (viewer role)");
  if (token.env === undefined) return;
  if (access.envs === "project") {
    throw new ApiError("forbidden", `this token is limited to environment "${token.env}"`);
  }
  for (const env of access.envs) {
    if (env !== token.env) throw new ApiError("forbidden", `this token is limited to environment "${token.env}"`);
  }
}
