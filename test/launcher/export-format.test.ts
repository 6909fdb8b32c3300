import { execFileSync } from "node:child_process";
import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { dotenvQuote, formatDotenv, formatJson, formatShell, shellQuote } from "../../src/plan/export-format.js";

// Values that break naive quoting; each must come back exactly.
export const NASTY: Record<string, string> = {
  PLAIN: "hello",
  EMPTY: "",
  SPACES: "  leading and trailing  ",
  NEWLINES: "line1\nline2\n\nline4",
  SINGLE: "it's",
  DOUBLE: 'say "hi"',
  BOTH: `it's "quoted"`,
  DOLLAR: "$HOME ${PATH} $(whoami) `id`",
  BACKSLASH: "C:\\path\\to\\n\\r\\t",
  HASH: "#not a comment # really",
  EQUALS: "a=b=c==",
  UNICODE: "päßwörd ✓ 密码 🔑 \u2028 sep",
  CRLF: "a\r\nb\rc",
  TRAILING_BACKSLASH: "ends\\",
  ONLY_QUOTES: `'"'"`,
  BACKTICKS: "`cmd` and 'x'",
  NEWLINE_AND_SINGLE: "it's\nmultiline",
  JSON_LIKE: '{"a": [1, "b\\n"]}',
  PEM: "-----BEGIN KEY-----\nMIIB+/=\n-----END KEY-----\n",
};

describe("dotenv format", () => {
  it("round-trips every value dotenv can represent, through dotenv's own parser", () => {
    const representable = Object.fromEntries(Object.entries(NASTY).filter(([, v]) => dotenvQuote(v) !== undefined));
    const result = formatDotenv(representable);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(parse(result.text)).toEqual(representable);
    // Most of the nasty set must be representable, not just dropped.
    expect(Object.keys(representable).length).toBeGreaterThanOrEqual(Object.keys(NASTY).length - 3);
  });

  it("refuses, naming the key, a value with all three quote kinds and a newline", () => {
    const result = formatDotenv({ OK: "x", BAD: "'\"`\nz" });
    expect(result).toEqual({ ok: false, unquotable: ["BAD"] });
  });

  it("round-trips each value alone, or refuses it", () => {
    for (const [key, value] of Object.entries(NASTY)) {
      const quoted = dotenvQuote(value);
      if (quoted === undefined) continue;
      expect(parse(`${key}=${quoted}\n`), key).toEqual({ [key]: value });
    }
  });
});

describe("shell format", () => {
  it("round-trips through a POSIX shell's eval", () => {
    const values = { ...NASTY };
    const script = `${formatShell(values).ok ? (formatShell(values) as { text: string }).text : ""}`;
    const out = execFileSync(
      "/bin/sh",
      ["-c", 'eval "$1"; exec node -e "process.stdout.write(JSON.stringify(process.env))"', "sh", script],
      {
        env: { PATH: process.env.PATH },
      },
    ).toString();
    const env = JSON.parse(out) as Record<string, string>;
    for (const [key, value] of Object.entries(values)) expect(env[key], key).toBe(value);
  });

  it("quotes single quotes the POSIX way", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe("json format", () => {
  it("round-trips through JSON.parse with sorted keys", () => {
    const result = formatJson(NASTY);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.parse(result.text)).toEqual(NASTY);
    expect(Object.keys(JSON.parse(result.text))).toEqual(Object.keys(NASTY).sort());
  });
});

describe("dotenv fuzz", () => {
  // Deterministic pseudo-random strings over the characters that matter to dotenv's grammar.
  const alphabet = [
    "a",
    "Z",
    "0",
    " ",
    "\t",
    "\n",
    "\r",
    "'",
    '"',
    "`",
    "\\",
    "n",
    "r",
    "#",
    "=",
    "$",
    "{",
    "}",
    "é",
    "🔑",
    "\u2028",
    ":",
  ];
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const randomValue = () => {
    const length = Math.floor(random() * 12);
    let s = "";
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  };

  it("every value is either refused or read back exactly, alone and among neighbours", () => {
    let represented = 0;
    for (let round = 0; round < 300; round++) {
      const secrets: Record<string, string> = {};
      for (let i = 0; i < 5; i++) {
        const value = randomValue();
        if (dotenvQuote(value) !== undefined) secrets[`K${i}`] = value;
      }
      const result = formatDotenv(secrets);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      represented += Object.keys(secrets).length;
      expect(parse(result.text), JSON.stringify(secrets)).toEqual(secrets);
      expect(parse(result.text, { fast: true }), `fast: ${JSON.stringify(secrets)}`).toEqual(secrets);
    }
    expect(represented).toBeGreaterThan(700);
  });
});
