// Resolving org / project / environment slugs, 404 naming the missing one.
import { ApiError } from "./errors.js";
import type { Environment, Project, State } from "./model.js";

export function findProject(state: State, org: string, project: string): Project {
  const foundOrg = state.orgs.get(org);
  if (!foundOrg) throw new ApiError("not_found", `organization "${org}" not found`);
  const found = foundOrg.projects.get(project);
  if (!found) throw new ApiError("not_found", `project "${project}" not found in organization "${org}"`);
  return found;
}

export function findEnvironment(project: Project, org: string, projectSlug: string, env: string): Environment {
  const found = project.environments.get(env);
  if (!found) throw new ApiError("not_found", `environment "${env}" not found in project "${org}/${projectSlug}"`);
  return found;
}

export function findEnv(state: State, org: string, project: string, env: string): Environment {
  return findEnvironment(findProject(state, org, project), org, project, env);
}
