// Project templates: the registry of keys an environment needs, and validation against it.
import { randomBytes } from "node:crypto";
import { ApiError } from "./errors.js";
import { findEnvironment, findProject } from "./lookup.js";
import type { State, TemplateRecord } from "./model.js";
import { activeSecrets } from "./secrets.js";
import { checkDescription, checkKey } from "./rules.js";

export function listTemplates(state: State, org: string, project: string): { templates: TemplateRecord[] } {
  return { templates: findProject(state, org, project).templates.map((t) => ({ ...t })) };
}

export interface TemplateInput {
  key: string;
  description?: string | null;
  required?: boolean;
}

export function newTemplateId(): string {
  return `tpl_${randomBytes(8).toString("hex")}`;
}

export function createTemplate(
  state: State,
  org: string,
  projectSlug: string,
  input: TemplateInput,
  now = new Date().toISOString(),
): TemplateRecord {
  const project = findProject(state, org, projectSlug);
  checkKey(input.key);
  if (input.description) checkDescription(input.description);
  if (project.templates.some((t) => t.key === input.key)) {
    throw new ApiError("conflict", `template key "${input.key}" is already registered in "${org}/${projectSlug}"`);
  }
  const template: TemplateRecord = {
    id: newTemplateId(),
    key: input.key,
    description: input.description ?? null,
    required: input.required ?? true,
    createdAt: now,
  };
  project.templates.push(template);
  return { ...template };
}

export function deleteTemplate(state: State, org: string, projectSlug: string, key: string) {
  const project = findProject(state, org, projectSlug);
  checkKey(key);
  const index = project.templates.findIndex((t) => t.key === key);
  if (index < 0) throw new ApiError("not_found", `template key "${key}" not found in "${org}/${projectSlug}"`);
  project.templates.splice(index, 1);
  return { deleted: true as const, key };
}

/** missing = required template keys not set; extra = set keys the template does not define. */
export function validateEnvironment(state: State, org: string, projectSlug: string, envSlug: string) {
  const project = findProject(state, org, projectSlug);
  const env = findEnvironment(project, org, projectSlug, envSlug);
  const present = new Set(activeSecrets(env).map(([key]) => key));
  const defined = new Set(project.templates.map((t) => t.key));
  const missing = project.templates.filter((t) => t.required && !present.has(t.key)).map((t) => t.key);
  const extra = [...present].filter((key) => !defined.has(key));
  return { valid: missing.length === 0, missing, extra };
}
