import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { maskPatterns, type MaskPattern } from "../../src/mask/patterns.js";
import { Redactor } from "../../src/mask/redactor.js";
import { referenceRedact } from "./reference.js";

const SECRETS = { DB_PASSWORD: "hunter2-Secret!", API_KEY: "sk_live_4242abcd" };

/** Feed `chunks` through a fresh redactor, checking the hold-back bound after every write. */
function run(patterns: readonly MaskPattern[], chunks: Buffer[], denseCells?: number): Buffer {
  const redactor = new Redactor(patterns, denseCells);
  const out: Buffer[] = [];
  for (const chunk of chunks) {
    out.push(redactor.write(chunk));
    expect(redactor.heldLength).toBeLessThanOrEqual(redactor.maxHeld);
  }
  out.push(redactor.flush());
  expect(redactor.heldLength).toBe(0);
  return Buffer.concat(out);
}

const redact = (secrets: Record<string, string>, text: string, minLength?: number) =>
  run(maskPatterns(secrets, minLength).patterns, [Buffer.from(text)]).toString();

describe("redactor: whole output", () => {
  it("replaces each value with [secr:KEY]", () => {
    expect(redact(SECRETS, "db=hunter2-Secret! key=sk_live_4242abcd\n")).toBe(
      "db=[secr:DB_PASSWORD] key=[secr:API_KEY]\n",
    );
  });

  it("leaves output without secrets byte for byte (binary included)", () => {
    const binary = randomBytes(100_000);
    const { patterns } = maskPatterns(SECRETS);
    expect(run(patterns, [binary]).equals(referenceRedact(binary, patterns))).toBe(true);
    expect(redact(SECRETS, "nothing to see here\n")).toBe("nothing to see here\n");
  });

  it("masks the base64 form, standalone and inside a longer base64 text at every alignment", () => {
    const value = SECRETS.DB_PASSWORD;
    const padded = Buffer.from(`${value}x`).toString("base64"); // 16 bytes: two "=" of padding
    expect(redact({ K: `${value}x` }, `b64=${padded}`)).toBe("b64=[secr:K]==");
    for (const prefix of ["", "u", "us", "user:"]) {
      const encoded = Buffer.from(`${prefix}${value}:tail`).toString("base64");
      const out = redact(SECRETS, encoded);
      expect(out, prefix).toContain("[secr:DB_PASSWORD]");
      // What is left around the label is at most the two characters that mix in neighbours.
      expect(out.length - "[secr:DB_PASSWORD]".length, prefix).toBeLessThanOrEqual(
        encoded.length - (value.length * 4) / 3 + 2,
      );
    }
    const urlSafe = Buffer.from("\u00ff\u00fe secret value").toString("base64url");
    expect(redact({ K: "\u00ff\u00fe secret value" }, urlSafe)).toBe("[secr:K]");
  });

  it("masks the URL-encoded and form-encoded forms", () => {
    const value = "p@ss word/with&stuff";
    expect(redact({ K: value }, `?x=${encodeURIComponent(value)}&y`)).toBe("?x=[secr:K]&y");
    expect(redact({ K: value }, `?${new URLSearchParams({ x: value })}`)).toBe("?x=[secr:K]");
  });

  it("masks the JSON-escaped forms, UTF-8 and \\u-escaped", () => {
    const value = 'quote " back\\slash\nnewline ✓';
    expect(redact({ K: value }, JSON.stringify({ v: value }))).toBe('{"v":"[secr:K]"}');
    expect(redact({ K: value }, '"quote \\" back\\\\slash\\nnewline \\u2713"')).toBe('"[secr:K]"');
  });

  it("masks multi-byte UTF-8 values", () => {
    expect(redact({ K: "密码🔑päß" }, "x 密码🔑päß y")).toBe("x [secr:K] y");
  });

  it("does not mask values shorter than the minimum length, and says which", () => {
    const { patterns, tooShort } = maskPatterns({ SHORT: "abc12", LONG: "abc123" });
    expect(tooShort).toEqual(["SHORT"]);
    expect(run(patterns, [Buffer.from("abc12 abc123")]).toString()).toBe("abc12 [secr:LONG]");
    expect(redact({ SHORT: "abc12" }, "abc12", 5)).toBe("[secr:SHORT]");
    expect(maskPatterns({ EMPTY: "" }, 0).tooShort).toEqual(["EMPTY"]);
  });

  it("leaves no byte of overlapping values in clear", () => {
    const secrets = { A: "abcdefgh", B: "efghijkl", C: "cdefghij" };
    expect(redact(secrets, "xxabcdefghijklyy")).toBe("xx[secr:A][secr:C][secr:B]yy");
    // A shorter value that ends first inside a longer one must not let the longer one's
    // beginning out.
    expect(redact({ LONG: "0123456789", SHORT: "234567" }, "-0123456789-")).toBe("-[secr:LONG]-");
    expect(redact({ LONG: "0123456789", SHORT: "234567" }, "-01234567-")).toBe("-01[secr:SHORT]-");
  });

  it("labels a value shared by two keys with the first name in sorted order", () => {
    expect(redact({ Z_COPY: "same-value", A_ORIG: "same-value" }, "same-value")).toBe("[secr:A_ORIG]");
  });

  it("masks repeated and self-overlapping values", () => {
    expect(redact({ K: "aaaaaa" }, "a".repeat(14))).toBe("[secr:K]");
    expect(redact({ K: "aaaaaa" }, "aaaaaa-aaaaaa")).toBe("[secr:K]-[secr:K]");
    expect(redact({ K: "abab-abab" }, "abab-abab-abab")).toBe("[secr:K]");
  });
});

describe("redactor: chunk boundaries", () => {
  const value = SECRETS.API_KEY;
  const text = `before ${value} after`;
  const expected = "before [secr:API_KEY] after";
  const { patterns } = maskPatterns(SECRETS);

  it("masks a value split in two at every offset 0..n", () => {
    const start = text.indexOf(value);
    for (let cut = 0; cut <= value.length; cut++) {
      const at = start + cut;
      const chunks = [Buffer.from(text.slice(0, at)), Buffer.from(text.slice(at))];
      expect(run(patterns, chunks).toString(), `cut at ${cut}`).toBe(expected);
    }
  });

  it("masks a value split in three at every pair of offsets", () => {
    const start = text.indexOf(value);
    for (let i = 0; i <= value.length; i++) {
      for (let j = i; j <= value.length; j++) {
        const chunks = [text.slice(0, start + i), text.slice(start + i, start + j), text.slice(start + j)].map((s) =>
          Buffer.from(s),
        );
        expect(run(patterns, chunks).toString(), `cuts at ${i}, ${j}`).toBe(expected);
      }
    }
  });

  it("masks a value fed one byte at a time, and a multi-byte character split mid-sequence", () => {
    const bytes = Buffer.from(`x 密码🔑päß y ${value}`);
    const chunks = [...bytes].map((b) => Buffer.of(b));
    expect(run(maskPatterns({ K: "密码🔑päß", ...SECRETS }).patterns, chunks).toString()).toBe(
      "x [secr:K] y [secr:API_KEY]",
    );
  });

  it("releases everything that cannot start a value at once", () => {
    const redactor = new Redactor(patterns);
    expect(redactor.write(Buffer.from("plain line\n")).toString()).toBe("plain line\n");
    // "sk_live_" could be the start of API_KEY: held until decided.
    expect(redactor.write(Buffer.from("key: sk_live_")).toString()).toBe("key: ");
    expect(redactor.heldLength).toBe("sk_live_".length);
    expect(redactor.write(Buffer.from("nope")).toString()).toBe("sk_live_nope");
    expect(redactor.heldLength).toBe(0);
  });

  it("after a flush mid-value still masks the rest of it", () => {
    const redactor = new Redactor(patterns);
    const first = redactor.write(Buffer.from("sk_live_42"));
    const flushed = redactor.flush();
    const rest = redactor.write(Buffer.from("42abcd!"));
    expect(Buffer.concat([first, flushed, rest]).toString()).toBe("sk_live_42[secr:API_KEY]!");
  });

  it("agrees with a naive reference on random data and random chunking, dense and sparse", () => {
    const alphabet = "abcAB+/=%_-\n";
    const pick = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
    for (let round = 0; round < 60; round++) {
      const secrets = Object.fromEntries(
        Array.from({ length: 1 + (round % 7) }, (_, i) => [`K${i}`, pick(6 + (round % 5))]),
      );
      const { patterns } = maskPatterns(secrets);
      const values = Object.values(secrets);
      // Text dense with values and near-misses.
      const parts = Array.from({ length: 200 }, () =>
        Math.random() < 0.3
          ? values[Math.floor(Math.random() * values.length)]!.slice(Math.random() < 0.2 ? 1 : 0)
          : pick(3),
      );
      const input = Buffer.from(parts.join(""));
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length;) {
        const size = 1 + Math.floor(Math.random() * 20);
        chunks.push(input.subarray(at, at + size));
        at += size;
      }
      const expected = referenceRedact(input, patterns).toString();
      expect(run(patterns, chunks).toString()).toBe(expected);
      expect(run(patterns, chunks, 64).toString()).toBe(expected); // few dense states
    }
  });
});
