// `secr-run export` output formats. Pure. Each must round-trip exactly through its reader:
// dotenv's parser, a POSIX shell's `eval`, JSON.parse.

import { dictionary } from "./dictionary.js";

export type ExportFormat = "dotenv" | "json" | "shell";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["dotenv", "json", "shell"];

export type FormatResult = { ok: true; text: string } | { ok: false; unquotable: string[] };

function sortedEntries(secrets: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(secrets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** JSON object, keys sorted. */
export function formatJson(secrets: Readonly<Record<string, string>>): FormatResult {
  // dictionary(): a secret named __proto__ must be an own property, or JSON.stringify drops it.
  return { ok: true, text: `${JSON.stringify(dictionary(sortedEntries(secrets)), null, 2)}\n` };
}

/** POSIX shell: `export KEY='value'`; single quotes keep everything literal, `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

export function formatShell(secrets: Readonly<Record<string, string>>): FormatResult {
  const lines = sortedEntries(secrets).map(([key, value]) => `export ${key}=${shellQuote(value)}\n`);
  return { ok: true, text: lines.join("") };
}

/**
 * One dotenv value, or undefined when dotenv's parser cannot give it back exactly.
 *
 * dotenv's rules: the file's CR/CRLF become LF before parsing; single and backtick quotes are
 * fully literal and may span lines; double quotes are literal except that `\n` and `\r` become
 * newline and carriage return (there is no escape for a backslash); a quote preceded by a
 * backslash is taken as escaped, so no value may end in a backslash inside quotes.
 */
export function dotenvQuote(value: string): string | undefined {
  const endsInBackslash = value.endsWith("\\");
  const hasCR = value.includes("\r");
  if (!value.includes("'") && !hasCR && !endsInBackslash) return `'${value}'`;
  if (!value.includes('"') && !/\\[nr]/.test(value) && !endsInBackslash) {
    return `"${value.replaceAll("\n", "\\n").replaceAll("\r", "\\r")}"`;
  }
  if (!value.includes("`") && !hasCR && !endsInBackslash) return `\`${value}\``;
  // Unquoted: taken up to `#` or the end of the line, then trimmed.
  if (/^[^\s'"`#][^\r\n#\u2028\u2029]*$/.test(value) && !/\s$/.test(value)) return value;
  return undefined;
}

export function formatDotenv(secrets: Readonly<Record<string, string>>): FormatResult {
  const lines: string[] = [];
  const unquotable: string[] = [];
  for (const [key, value] of sortedEntries(secrets)) {
    const quoted = dotenvQuote(value);
    if (quoted === undefined) unquotable.push(key);
    else lines.push(`${key}=${quoted}\n`);
  }
  return unquotable.length > 0 ? { ok: false, unquotable } : { ok: true, text: lines.join("") };
}

export function formatSecrets(format: ExportFormat, secrets: Readonly<Record<string, string>>): FormatResult {
  switch (format) {
    case "dotenv":
      return formatDotenv(secrets);
    case "json":
      return formatJson(secrets);
    case "shell":
      return formatShell(secrets);
  }
}
