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

/** The textual forms of one value: itself, URL-encoded (both styles), JSON-escaped, base64. */
export function valueForms(value: string): string[] {
  const bytes = utf8.encode(value);
  const forms = [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2), // form encoding: space as +
    JSON.stringify(value).slice(1, -1),
    // Python's json.dumps and others write non-ASCII as \uXXXX.
    JSON.stringify(value)
      .slice(1, -1)
      .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ...base64Forms(bytes),
  ];
  return [...new Set(forms)];
}

/**
 * The patterns for a set of secrets. Values shorter than `minLength` characters are left out
 * (masking "on" or "1" would mangle ordinary output), and so is any derived form shorter than
 * that. Keys are taken in sorted order: when two secrets share a value, the first name labels it.
 */
export function maskPatterns(secrets: Readonly<Record<string, string>>, minLength = DEFAULT_MASK_MIN_LENGTH): MaskPatterns {
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
