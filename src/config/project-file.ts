// `.secr.json`: the project's org/project (and optionally env and apiUrl), committed to the repo,
// found by searching up from the working directory like .git or package.json.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as z from "zod/mini";

export const PROJECT_FILE_NAME = ".secr.json";

export interface ProjectFile {
  org?: string | undefined;
  project?: string | undefined;
  env?: string | undefined;
  apiUrl?: string | undefined;
  /** The typed schema, as written: parsed and checked by src/schema only when present. */
  schema?: unknown;
}

export interface LoadedProjectFile {
  path: string;
  data: ProjectFile;
}

const nonEmpty = z.optional(z.string().check(z.minLength(1)));
// Unknown keys are ignored so newer files keep working with older secr-run versions.
const projectFileSchema = z.object({ org: nonEmpty, project: nonEmpty, env: nonEmpty, apiUrl: nonEmpty, schema: z.optional(z.unknown()) });

/** Nearest `.secr.json` at or above `startDir`, or undefined. */
export function findProjectFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, PROJECT_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Pure: the file's settings, or an Error whose message names the problem (never a value). */
export function parseProjectFile(text: string, path: string): ProjectFile | Error {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Error(`${path} is not valid JSON`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return new Error(`${path} must contain a JSON object like {"org": "acme", "project": "api"}`);
  }
  // A token in a committed file leaks to everyone with the repo; refuse rather than use it.
  const tokenKey = Object.keys(json).find((key) => /token|secret|passphrase/i.test(key));
  if (tokenKey !== undefined) {
    return new Error(
      `${path} contains "${tokenKey}": credentials must not be in a project file (it gets committed); use SECR_TOKEN`,
    );
  }
  const parsed = projectFileSchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") ?? "?";
    return new Error(`${path}: "${field}" must be a non-empty string`);
  }
  return parsed.data;
}

/** Find and parse the project file above `startDir`. */
export function loadProjectFile(startDir: string): LoadedProjectFile | Error | undefined {
  const path = findProjectFile(startDir);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  const data = parseProjectFile(text, path);
  return data instanceof Error ? data : { path, data };
}
