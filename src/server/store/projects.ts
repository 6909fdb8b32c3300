// Projects and environments through the API. A new project gets the environments secr gives
// new projects; creating a project in an org that does not exist yet creates the org.
import { ApiError } from "./errors.js";
import { findEnvironment, findProject } from "./lookup.js";
import type { State } from "./model.js";
import { checkSlug } from "./rules.js";

export const DEFAULT_ENVIRONMENTS = ["development", "staging", "production"] as const;

export function createProject(
  state: State,
  org: string,
  slug: string,
): { org: string; slug: string; environments: string[] } {
  checkSlug("project", slug);
  let found = state.orgs.get(org);
  if (found?.projects.has(slug)) throw new ApiError("conflict", `project "${org}/${slug}" already exists`);
  if (found === undefined) {
    checkSlug("organization", org);
    found = { projects: new Map() };
    state.orgs.set(org, found);
  }
  found.projects.set(slug, {
    environments: new Map(DEFAULT_ENVIRONMENTS.map((env) => [env, { secrets: new Map() }])),
    templates: [],
  });
  return { org, slug, environments: [...DEFAULT_ENVIRONMENTS] };
}

export function listEnvironments(state: State, org: string, project: string): { environments: { slug: string }[] } {
  return { environments: [...findProject(state, org, project).environments.keys()].map((slug) => ({ slug })) };
}

export function createEnvironment(state: State, org: string, projectSlug: string, slug: string): { slug: string } {
  const project = findProject(state, org, projectSlug);
  checkSlug("environment", slug);
  if (project.environments.has(slug))
    throw new ApiError("conflict", `environment "${slug}" already exists in project "${org}/${projectSlug}"`);
  project.environments.set(slug, { secrets: new Map() });
  return { slug };
}

/** Removes the environment and every secret in it (values included: nothing stays on disk). */
export function deleteEnvironment(
  state: State,
  org: string,
  projectSlug: string,
  slug: string,
): { deleted: true; slug: string } {
  const project = findProject(state, org, projectSlug);
  findEnvironment(project, org, projectSlug, slug);
  project.environments.delete(slug);
  return { deleted: true, slug };
}
