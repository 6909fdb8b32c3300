// `.secr.json`: the project's org/project (and optionally env and apiUrl), committed to the repo,
// found by searching up from the working directory like .git or package.json.
// Only a file that passes the ownership rule (ownership.ts) is read; see docs/design/trust.md.
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import * as z from "zod/mini";
import { groupWritable, projectFileVerdict, type OwnershipFix } from "./ownership.js";
import { readPrivateGroup } from "./private-group.js";

export const PROJECT_FILE_NAME = ".secr.json";

export interface ProjectFile {
  org?: string | undefined;
  project?: string | undefined;
  /** One environment, or layers in order (later wins; docs/guide/layers.md). */
  env?: string | readonly string[] | undefined;
  apiUrl?: string | undefined;
  /** `"rename": {"OLD": "NEW"}`, `"prefix"`, `"expand"`: the child's names and `${KEY}` references
   *  (src/config/env-rules.ts). No trust needed: the name rules check the names the child gets. */
  rename?: Readonly<Record<string, string>> | undefined;
  prefix?: string | undefined;
  expand?: boolean | undefined;
  /** The typed schema, as written: parsed and checked by src/schema only when present. */
  schema?: unknown;
}

export interface LoadedProjectFile {
  /** Absolute path, directories resolved (the file itself is never a symlink). */
  path: string;
  data: ProjectFile;
  /** sha256 (hex) of exactly the bytes parsed into `data`: what `secr-run allow` records. */
  sha256?: string | undefined;
  /** Top-level keys secr-run does not know (ignored; commands warn once, naming them). */
  unknownKeys?: readonly string[] | undefined;
}

/** What one candidate path holds. */
export type ProjectFileRead =
  /** Nothing, or a directory of that name: the search goes on upward. */
  | { kind: "absent" }
  /** A file that anyone but you (or root) could have planted or changed: ignored, search stops. */
  | { kind: "unsafe"; path: string; reason: string; fix: OwnershipFix }
  | { kind: "loaded"; file: LoadedProjectFile };

/** The keys a project file may hold. */
export const PROJECT_FILE_KEYS = ["org", "project", "env", "apiUrl", "schema", "rename", "prefix", "expand"] as const;

const nonEmpty = z.optional(z.string().check(z.minLength(1)));
// Unknown keys are ignored (with a warning: a typo like "evn" would otherwise pass silently) so
// newer files keep working with older secr-run versions.
const projectFileSchema = z.object({
  org: nonEmpty,
  project: nonEmpty,
  env: z.optional(
    z.union([z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1))).check(z.minLength(1))]),
  ),
  apiUrl: nonEmpty,
  schema: z.optional(z.unknown()),
  rename: z.optional(z.record(z.string(), z.string())),
  prefix: z.optional(z.string()),
  expand: z.optional(z.boolean()),
});

/** What each key must be, for the one-line message about a wrong one. */
const FIELD_SHAPES: Record<string, string> = {
  env: "a non-empty string or a non-empty array of them",
  rename: 'an object of "OLD": "NEW" names',
  prefix: "a string",
  expand: "true or false",
};

/** Pure: the top-level keys of a project file's text that secr-run does not know ([] if it is not an object). */
export function unknownProjectFileKeys(text: string): string[] {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== "object" || json === null || Array.isArray(json)) return [];
    return Object.keys(json).filter((key) => !(PROJECT_FILE_KEYS as readonly string[]).includes(key));
  } catch {
    return [];
  }
}

/** The one warning for a file's unknown keys, each with the known key it probably meant. */
export function unknownKeysMessage(
  path: string,
  keys: readonly string[],
  suggest: (key: string) => string | undefined,
): string {
  const named = keys.map((key) => {
    const meant = suggest(key);
    return meant === undefined ? `"${key}"` : `"${key}" (did you mean "${meant}"?)`;
  });
  return `${path}: ignoring unknown ${keys.length === 1 ? "key" : "keys"} ${named.join(", ")}; known: ${PROJECT_FILE_KEYS.join(", ")}`;
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
    const field = String(parsed.error.issues[0]?.path[0] ?? "?");
    return new Error(`${path}: "${field}" must be ${FIELD_SHAPES[field] ?? "a non-empty string"}`);
  }
  return parsed.data;
}

// O_NOFOLLOW: a symlink is refused, not followed to a file someone else chose. O_NONBLOCK: a FIFO
// planted under the name cannot hang the open; fstat then shows it is no regular file.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads `path` once, through one descriptor: the owner and mode checked (fstat) and the bytes
 * hashed are those of the very file parsed, whatever is renamed over the path meanwhile.
 * `uid` undefined (Windows) skips the ownership rule.
 */
export function readProjectFile(path: string, uid: number | undefined = process.getuid?.()): ProjectFileRead | Error {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "absent" };
    // Linux and macOS say ELOOP for a symlink under O_NOFOLLOW, FreeBSD EMLINK.
    if (code === "ELOOP" || code === "EMLINK")
      return { kind: "unsafe", path, reason: "it is a symbolic link", fix: "regular-file" };
    return new Error(`cannot read ${path}: ${code ?? "error"}`);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return { kind: "absent" };
    if (uid !== undefined) {
      const dir = statSync(dirname(path));
      // /etc/passwd and /etc/group are read only when a group write bit is set (umask 002).
      const privateGid =
        groupWritable(info, dir) && process.getgid !== undefined ? readPrivateGroup(uid, process.getgid()) : undefined;
      const unsafe = projectFileVerdict(info, dir, uid, privateGid);
      if (unsafe !== undefined) return { kind: "unsafe", path, ...unsafe };
    } else if (!info.isFile()) {
      return { kind: "unsafe", path, reason: "it is not a regular file", fix: "regular-file" };
    }
    const bytes = readFileSync(fd);
    const text = bytes.toString("utf8");
    const data = parseProjectFile(text, path);
    if (data instanceof Error) return data;
    const unknownKeys = unknownProjectFileKeys(text);
    return {
      kind: "loaded",
      file: {
        path,
        data,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        ...(unknownKeys.length > 0 ? { unknownKeys } : {}),
      },
    };
  } catch (error) {
    return new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  } finally {
    closeSync(fd);
  }
}

/** `dir` with symlinks resolved, so recorded paths are the files' real ones. */
function realDir(dir: string): string {
  try {
    return realpathSync(resolve(dir));
  } catch {
    return resolve(dir);
  }
}

/** The nearest `.secr.json` at or above `startDir`: loaded, unsafe (ignored; the search stops there) or none. */
export function loadProjectFile(
  startDir: string,
  uid: number | undefined = process.getuid?.(),
): { kind: "none" } | Exclude<ProjectFileRead, { kind: "absent" }> | Error {
  let dir = realDir(startDir);
  for (;;) {
    const read = readProjectFile(join(dir, PROJECT_FILE_NAME), uid);
    if (read instanceof Error || read.kind !== "absent") return read;
    const parent = dirname(dir);
    if (parent === dir) return { kind: "none" };
    dir = parent;
  }
}

/** The project file a user names (`secr-run allow PATH`): a directory means its `.secr.json`. */
export function projectFilePath(given: string): string {
  const abs = resolve(given);
  const isDir = statSync(abs, { throwIfNoEntry: false })?.isDirectory() === true;
  // Resolve the directories but not the file itself: a symlinked .secr.json is refused, not followed.
  return isDir ? join(realDir(abs), PROJECT_FILE_NAME) : join(realDir(dirname(abs)), basename(abs));
}
