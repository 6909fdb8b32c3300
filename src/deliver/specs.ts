// The delivery options as given on the command line, parsed. Pure; errors are usage errors.
import type { ExportFormat } from "../plan/export-format.js";
import { VALID_NAME } from "../plan/names.js";

/** --file KEY (into secr-run's private directory) or --file KEY=PATH. */
export interface FileSpec {
  key: string;
  path?: string;
}

/** --template SRC:DEST; `text` is read by the caller (an effect) before planning. */
export interface TemplateSpec {
  source: string;
  dest: string;
}

export interface DeliverySpec {
  files: FileSpec[];
  mount?: { path: string; format: ExportFormat } | undefined;
  templates: TemplateSpec[];
}

export const hasDelivery = (spec: DeliverySpec) =>
  spec.files.length > 0 || spec.mount !== undefined || spec.templates.length > 0;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseFileOption(text: string): Parsed<FileSpec> {
  const eq = text.indexOf("=");
  const key = eq === -1 ? text : text.slice(0, eq);
  // The value itself is not echoed: a mistyped argument may hold a credential.
  if (!VALID_NAME.test(key))
    return { ok: false, message: "--file: expected KEY or KEY=PATH, KEY a variable name ([A-Za-z_][A-Za-z0-9_]*)" };
  if (eq === -1) return { ok: true, value: { key } };
  const path = text.slice(eq + 1);
  if (path === "") return { ok: false, message: `--file ${key}=: the path is empty (give KEY=PATH, or just KEY)` };
  return { ok: true, value: { key, path } };
}

/** SRC:DEST split at the first colon; on Windows a drive letter's colon ("C:\") does not count. */
export function parseTemplateOption(text: string, platform: NodeJS.Platform = process.platform): Parsed<TemplateSpec> {
  const skip = platform === "win32" && /^[A-Za-z]:[\\/]/.test(text) ? 2 : 0;
  const colon = text.indexOf(":", skip);
  const source = colon === -1 ? "" : text.slice(0, colon);
  const dest = colon === -1 ? "" : text.slice(colon + 1);
  if (source === "" || dest === "")
    return { ok: false, message: "--template: expected SRC:DEST (the template file, a colon, the file to write)" };
  return { ok: true, value: { source, dest } };
}
