// Messages about project files, printable whatever the file holds. See docs/trust.md.

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

/** The one-line refusal: which file, which URL, and the command that trusts it. */
export function untrustedApiUrlMessage(path: string, apiUrl: string): string {
  const shown = printable(path);
  return `${shown} sets apiUrl ${JSON.stringify(printable(apiUrl))}; trust it with: secr-run allow ${shellWord(shown)}`;
}

/** The one-line warning (or, for `allow`, error) for a project file the ownership rule rejects. */
export function ignoredProjectFileMessage(path: string, reason: string, lead = "ignoring"): string {
  return (
    `${lead} ${printable(path)}: ${reason}; a .secr.json is read only if it and its directory ` +
    "belong to you (or root) and no one else can write them"
  );
}
