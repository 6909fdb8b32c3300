// `secrets import` reads dotenv files with its own Map-based copy of dotenv's rules: every value
// must be what the `dotenv` package's parse gives, on hand-picked lines, on what
// `export --format dotenv` writes, and on random files of the characters that matter.
import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../src/cli/commands/secrets/dotenv-entries.js";
import { dotenvQuote } from "../../src/plan/export-format.js";

const valuesOf = (text: string) => Object.fromEntries([...parseDotenv(text)].map(([key, entry]) => [key, entry.value]));

const LINES = [
  "A=plain",
  "A=abc#notacomment",
  "A=abc # a comment",
  "A=#x",
  "A= #x",
  "A=",
  'A=""',
  "A=''",
  'A="x" # c',
  'A="x"#c',
  'A="abc"def',
  'A="abc"def" #x',
  'A="multi\nline"',
  "A='multi\nline'",
  "A=`back'tick\"`",
  'A="esc \\n \\r \\\\n"',
  "A='not \\n'",
  "  export   A = spaced  ",
  "export A=1",
  "exportA=1",
  "A: colon",
  "A:nocolon",
  "A.B-C=dots",
  "1=digits",
  "A=1\nA=2",
  "A=1\r\nB=2\rC=3",
  "# A=commented",
  "A='unterminated\nB=2",
  'A="\\"quoted\\""',
  "A=tab\tinside\t",
  "A=\u00a0nbsp\u00a0",
  "A=a\u2028b",
];

describe("parseDotenv agrees with dotenv's parse", () => {
  it.each(LINES)("%j", (text) => {
    expect(valuesOf(text)).toEqual(parse(text));
  });

  it("on every value export --format dotenv can write", () => {
    const values = [
      "",
      "a#b",
      "a # b",
      " lead",
      "trail ",
      "x'y",
      'x"y',
      "x`y",
      "a\nb",
      "a\r\nb",
      "back\\slash",
      "\\n literal",
      "'q'",
      '"q"',
      "#",
      "é😀",
      "a\\",
      "=",
      "a=b",
    ];
    for (const value of values) {
      const quoted = dotenvQuote(value);
      if (quoted === undefined) continue;
      const text = `K=${quoted}\n`;
      expect(valuesOf(text), JSON.stringify(text)).toEqual(parse(text));
      expect(valuesOf(text).K, JSON.stringify(text)).toBe(value);
    }
  });

  it("on random files of quotes, #, spaces, newlines and escapes", () => {
    const alphabet = [
      "A",
      "B",
      "=",
      "=",
      "#",
      " ",
      "\t",
      "\n",
      "\r",
      "'",
      '"',
      "`",
      "\\",
      "n",
      "x",
      ":",
      "export ",
      "é",
    ];
    let seed = 20261206;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 3000; i++) {
      const length = 1 + Math.floor(random() * 30);
      let text = "";
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(valuesOf(text), JSON.stringify(text)).toEqual(parse(text));
    }
  });
});

describe("what the entries say about each value", () => {
  it("keeps __proto__ (dotenv's object drops it), in file order, the last of a repeated key", () => {
    const entries = parseDotenv("__proto__=p-value\nB=1\nconstructor=c\nB=2\n");
    expect(Object.keys(parse("__proto__=p-value\n"))).toEqual([]); // the loss being fixed
    expect([...entries.values()].map((e) => [e.key, e.value, e.line, e.occurrences])).toEqual([
      ["__proto__", "p-value", 1, 1],
      ["B", "2", 4, 2],
      ["constructor", "c", 3, 1],
    ]);
  });

  it("tells an attached # from a spaced comment, only after unquoted values", () => {
    const of = (text: string) => parseDotenv(text).get("A")!;
    expect(of("A=abc#x").comment).toBe("attached");
    expect(of("A=#x").comment).toBe("attached");
    expect([of("A=abc #x").comment, of("A=abc #x").trimmed]).toEqual(["spaced", false]);
    expect(of("A= #x").comment).toBe("spaced");
    expect(of('A="abc"#x').comment).toBe("none");
    expect(of("A='a#b' # c").comment).toBe("none");
    expect(of("A=abc").comment).toBe("none");
    expect([of("A= abc ").trimmed, of("A='abc'").trimmed, of("A=abc").trimmed]).toEqual([true, false, false]);
    expect([of('A="a\\nb"').escapes, of("A='a\\nb'").escapes, of('A="ab"').escapes]).toEqual([true, false, false]);
    expect([of('A=""').quote, of("A=").quote, of("A=`x`").quote]).toEqual(['"', "", "`"]);
    expect(parseDotenv("\n\nX=1\n# c\nA=2").get("A")!.line).toBe(5);
  });
});
