// Making text safe to print: secrets masked, terminal controls removed. Used by the client's
// error messages and by the CLI's logger alike, so both follow one rule. Pure.

/** Shorter strings would mangle ordinary words in messages and reveal little; tokens are far longer. */
export const MIN_REDACT_LENGTH = 4;
const REDACTED = "[redacted]";

export function isRedactable(value: string): boolean {
  return value.length >= MIN_REDACT_LENGTH;
}

/** Replaces every occurrence of each sensitive string; the longest first, so a secret that
 *  contains another is masked whole rather than leaving its remainder visible. */
export function redact(text: string, sensitive: Iterable<string>): string {
  const needles = [...sensitive].filter(isRedactable).sort((a, b) => b.length - a.length);
  let out = text;
  for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
  return out;
}

/**
 * Characters a terminal or log viewer acts on instead of showing: C0 controls (ESC, BEL, CR, LF,
 * ...), DEL, C1 controls (U+009B is a one-byte CSI on terminals that read 8-bit controls),
 * bidirectional overrides, embeddings, isolates and marks (they reorder what is shown, so a
 * message could read differently from what it says), and the Unicode line and paragraph
 * separators (a second line in viewers that honour them).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** Text from elsewhere (a server, a name) as one line that shows what it says. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, " ");
}

/** Same set, for escaping instead of removing (JSON.stringify leaves C1 and bidi controls raw). */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (run) =>
    [...run].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  );
}
