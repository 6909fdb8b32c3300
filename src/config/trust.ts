// Trust in a project file's apiUrl, like `direnv allow`: a .secr.json that points the token at a
// server of its choosing is obeyed only once the user has said so for exactly those bytes.
// Pure decisions and messages; the store on disk is trust-store.ts. See docs/design/trust.md.
import * as z from "zod/mini";
import { dirname } from "node:path";
import type { OwnershipFix } from "./ownership.js";
import type { LoadedProjectFile } from "./project-file.js";
import { DEFAULT_API_URL, type Settings } from "./settings.js";
import { asciiApiUrl } from "./trust-url.js";

/** Trusted files: real path -> sha256 (hex) of the content the user allowed. */
export interface TrustStore {
  files: Record<string, string>;
}

export const EMPTY_TRUST_STORE: TrustStore = { files: {} };

const storeSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string(), z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});

/** Pure: the store in `text`, or an Error naming `path`. */
export function parseTrustStore(text: string, path: string): TrustStore | Error {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Error(`${path} is not valid JSON; delete it and run secr-run allow again`);
  }
  const parsed = storeSchema.safeParse(json);
  if (!parsed.success)
    return new Error(`${path} is not a secr-run trust store; delete it and run secr-run allow again`);
  return { files: { ...parsed.data.files } };
}

export function serializeTrustStore(store: TrustStore): string {
  return `${JSON.stringify({ version: 1, files: store.files }, null, 2)}\n`;
}

export function isTrusted(store: TrustStore, file: LoadedProjectFile): boolean {
  return file.sha256 !== undefined && Object.hasOwn(store.files, file.path) && store.files[file.path] === file.sha256;
}

export function withTrust(store: TrustStore, file: LoadedProjectFile & { sha256: string }): TrustStore {
  return { files: { ...store.files, [file.path]: file.sha256 } };
}

export function withoutTrust(store: TrustStore, path: string): TrustStore {
  const files = { ...store.files };
  delete files[path];
  return { files };
}

/**
 * Pure: does this run depend on the project file's trust? Only when the API URL (where the token
 * goes) came from the file and differs from the default; org/project/env choose nothing the
 * token is sent to, and a flag or SECR_API_URL wins over the file anyway.
 */
export function apiUrlNeedsTrust(settings: Pick<Settings, "apiUrl" | "sources">): boolean {
  return settings.sources.apiUrl === "project file" && settings.apiUrl !== DEFAULT_API_URL;
}

/** Pure: `text` without control or invisible formatting characters (no terminal escapes, no
 *  bidi overrides), cut to `max` characters: safe to print whatever a file holds. */
export function printable(text: string, max = 200): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Pure: `text` as one POSIX shell word, quoted only if needed, so the hint can be pasted. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Pure: an apiUrl JSON-quoted for printing; a non-ASCII host in punycode, and a note saying so. */
export function shownApiUrl(apiUrl: string): string {
  const { url, international } = asciiApiUrl(apiUrl);
  const quoted = JSON.stringify(printable(url));
  if (international === undefined) return quoted;
  return `${quoted} (its host is not ASCII: ${printable(international.ascii)} is the international name ${JSON.stringify(printable(international.unicode))}, which can look like another name)`;
}

/** The one-line refusal: which file, which URL (a non-ASCII host in punycode, said so), and the command that trusts it. */
export function untrustedApiUrlMessage(path: string, apiUrl: string): string {
  const shown = printable(path);
  return `${shown} sets apiUrl ${shownApiUrl(apiUrl)}; trust it with: secr-run allow ${shellWord(shown)}`;
}

/** Pure: the command or step that makes a refused project file readable. */
export function ownershipFixText(path: string, fix: OwnershipFix): string {
  const file = shellWord(printable(path));
  const dir = shellWord(printable(dirname(path)));
  switch (fix) {
    case "regular-file":
      return `replace it with a regular file of your own`;
    case "own-file":
      return `check its content, then make it yours: cp ${file} ${file}.new && mv ${file}.new ${file}`;
    case "chmod-file":
      return `chmod go-w ${file}`;
    case "chmod-dir":
      return `chmod go-w ${dir}`;
    case "move":
      return "keep the project in a directory of your own, or give the settings with flags or SECR_* variables";
  }
}

/** The one-line warning (or, for `allow`, error) for a project file the ownership rule rejects, with its fix. */
export function ignoredProjectFileMessage(path: string, reason: string, lead = "ignoring", fix?: OwnershipFix): string {
  const rule =
    "a .secr.json is read only if it and its directory belong to you (or root) and no one else can write them";
  return `${lead} ${printable(path)}: ${reason}; ${rule}${fix === undefined ? "" : `; fix: ${ownershipFixText(path, fix)}`}`;
}
