// dotenv files read the way the `dotenv` package's `parse` reads them (its line rule, copied
// below), into a Map: a key named `__proto__` is an entry like any other, where dotenv's plain
// object drops it. Each entry also says how its value was written, so that `secrets import` can
// refuse or report what the dotenv rules change (docs/design/manage.md, "Importing").

export interface DotenvEntry {
  key: string;
  value: string;
  /** 1-based line of the key. */
  line: number;
  /** The quote the value was written in, or "" when unquoted. */
  quote: "" | "'" | '"' | "`";
  /** What followed an unquoted value: a `#` touching it ("attached"), a ` #` comment ("spaced"), or nothing. */
  comment: "none" | "attached" | "spaced";
  /** `\n` or `\r` in a double-quoted value became a line break or carriage return. */
  escapes: boolean;
  /** Spaces around an unquoted value were dropped (not counting those before a comment). */
  trimmed: boolean;
  /** How many times the key appears in the file (the last one is kept, as dotenv does). */
  occurrences: number;
}

// dotenv 16–18's LINE expression; only the separator is captured (group 2) and indices are on
// (`d`), which changes no match. A test compares this parser with dotenv's on many inputs.
const LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;
const QUOTED = /^\s*(?:'(?:\\'|[^'])*'|"(?:\\"|[^"])*"|`(?:\\`|[^`])*`)$/;
const STRIP_QUOTES = /^(['"`])([\s\S]*)\1$/gm;

export function parseDotenv(source: string): Map<string, DotenvEntry> {
  const text = source.replace(/\r\n?/gm, "\n");
  const entries = new Map<string, DotenvEntry>();
  let line = 1;
  let counted = 0;
  for (const match of text.matchAll(LINE)) {
    const key = match[1]!;
    const raw = match[3] ?? "";
    const keyStart = match.indices![1]![0];
    const valueEnd = match.indices![3]?.[1] ?? match.indices![2]![1];
    for (; counted < keyStart; counted++) if (text.charCodeAt(counted) === 10) line++;
    let value = raw.trim();
    const first = value[0];
    const quoted = /^(['"`])[\s\S]*\1$/.test(value);
    value = value.replace(STRIP_QUOTES, "$2");
    const escapes = first === '"' && /\\[nr]/.test(value);
    if (escapes) value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    // A comment is only ambiguous after an unquoted value: a closing quote ends a quoted one.
    const comment =
      !QUOTED.test(raw) && text[valueEnd] === "#" ? (raw === "" || /\S$/.test(raw) ? "attached" : "spaced") : "none";
    const trimmed = !quoted && (comment === "spaced" ? /^\s/.test(raw) : raw.trim() !== raw);
    const occurrences = (entries.get(key)?.occurrences ?? 0) + 1;
    // Map.set keeps a repeated key at its first place, as assigning an object's property does.
    entries.set(key, {
      key,
      value,
      line,
      quote: quoted ? (first as "'" | '"' | "`") : "",
      comment,
      escapes,
      trimmed,
      occurrences,
    });
  }
  return entries;
}
