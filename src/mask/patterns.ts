// What the redactor looks for: each injected value and the forms it commonly takes in output.
// Pure. See docs/design/delivery.md ("Masking").

export const DEFAULT_MASK_MIN_LENGTH = 6;

export interface MaskPattern {
  readonly bytes: Uint8Array;
  /** The secret's name: the output shows `[secr:KEY]`. */
  readonly key: string;
}

export interface MaskPatterns {
  readonly patterns: MaskPattern[];
  /** Keys whose value is shorter than the minimum length: not masked. */
  readonly tooShort: string[];
}

const utf8 = new TextEncoder();

/**
 * Base64 of `value` as it appears inside a longer base64 text: at each of the three byte
 * alignments, only the characters that depend on the value's bytes alone (the first and last
 * characters may mix in neighbouring bytes). The standalone encoding (no padding) comes first.
 */
export function base64Forms(value: Uint8Array): string[] {
  const forms = [Buffer.from(value).toString("base64").replace(/=+$/, "")];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), value]);
    const text = Buffer.from(padded).toString("base64").replace(/=+$/, "");
    // Characters 0..: each covers 6 bits. Skip those touching the `offset` leading bytes, and
    // the last one when the value's bits end inside it.
    const firstBit = offset * 8;
    const endBit = (offset + value.length) * 8;
    const first = Math.ceil(firstBit / 6);
    const end = Math.floor(endBit / 6);
    if (end > first) forms.push(text.slice(first, end));
  }
  const urlSafe = forms.map((form) => form.replaceAll("+", "-").replaceAll("/", "_"));
  return [...new Set([...forms, ...urlSafe])];
}

/** `%2F` → `%2f`: many encoders (and some proxies) write the hex digits in lower case. */
const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
/** `\u2713`: non-ASCII escaped, as Python's json.dumps and PHP's json_encode write it. */
const asciiJson = (json: string) =>
  json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
/** Go's encoding/json also escapes `<`, `>`, `&` and U+2028/U+2029 (HTML-safe output). */
const goJson = (json: string) =>
  json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** The text broken into lines of `width` characters by `eol`: how `base64` (76, LF), MIME (76,
 *  CRLF) and `openssl base64` / PEM (64, LF) wrap. */
function wrapped(text: string, width: number, eol: string): string {
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += width) lines.push(text.slice(at, at + width));
  return lines.join(eol);
}

/** URL-encodings of `value`; none when it cannot be encoded (a lone surrogate). */
function urlForms(value: string): string[] {
  try {
    const component = encodeURIComponent(value);
    const uri = encodeURI(value);
    const form = new URLSearchParams({ v: value }).toString().slice(2); // form encoding: space as +
    return [component, lowerHex(component), uri, lowerHex(uri), form, lowerHex(form)];
  } catch {
    return [];
  }
}

/**
 * The textual forms of one value (docs/design/delivery.md, "Masking", lists the encoders): itself;
 * URL-encoded (encodeURIComponent, encodeURI, forms; hex digits in either case); JSON-escaped as
 * JavaScript, Python (`\uXXXX`), PHP (`\/`, with and without `\uXXXX`) and Go (`\u0026`...) write
 * it; base64 and base64url, also wrapped into lines when the value starts a base64 text.
 */
export function valueForms(value: string): string[] {
  const bytes = utf8.encode(value);
  const json = JSON.stringify(value).slice(1, -1);
  const base64 = base64Forms(bytes);
  // At alignment 0, the characters that depend on the value alone (base64Forms' second form):
  // what a wrapped encoding of a text that starts with the value holds.
  const leading = Buffer.from(bytes)
    .toString("base64")
    .slice(0, Math.floor((bytes.length * 8) / 6));
  const forms = [
    value,
    ...urlForms(value),
    json,
    asciiJson(json),
    json.replaceAll("/", "\\/"),
    asciiJson(json).replaceAll("/", "\\/"),
    goJson(json),
    ...base64,
    ...(leading.length > 64
      ? [wrapped(leading, 76, "\n"), wrapped(leading, 76, "\r\n"), wrapped(leading, 64, "\n")]
      : []),
  ];
  return [...new Set(forms)];
}

/**
 * The patterns for a set of secrets. Values shorter than `minLength` characters are left out
 * (masking "on" or "1" would mangle ordinary output), and so is any derived form shorter than
 * that. Keys are taken in sorted order: when two secrets share a value, the first name labels it.
 */
export function maskPatterns(
  secrets: Readonly<Record<string, string>>,
  minLength = DEFAULT_MASK_MIN_LENGTH,
): MaskPatterns {
  const patterns: MaskPattern[] = [];
  const tooShort: string[] = [];
  const seen = new Set<string>();
  for (const key of Object.keys(secrets).sort()) {
    const value = secrets[key]!;
    if ([...value].length < Math.max(1, minLength)) {
      tooShort.push(key);
      continue;
    }
    for (const form of valueForms(value)) {
      if (form.length < minLength || seen.has(form)) continue;
      seen.add(form);
      patterns.push({ bytes: utf8.encode(form), key });
    }
  }
  return { patterns, tooShort };
}
