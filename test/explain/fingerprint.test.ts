import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { fingerprint, fingerprintKey, formatFingerprint } from "../../src/explain/fingerprint.js";

const TOKEN = "secr_test_token_0123456789abcdef";

describe("fingerprint", () => {
  it("is the UTF-8 length and 8 hex digits, stable for one token", () => {
    const a = fingerprint(fingerprintKey(TOKEN), "postgres://db/app");
    expect(a).toEqual({ length: 17, hmac: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(fingerprint(fingerprintKey(TOKEN), "postgres://db/app")).toEqual(a);
    expect(fingerprint(fingerprintKey(TOKEN), "é").length).toBe(2);
    expect(formatFingerprint(a)).toBe(`17:${a.hmac}`);
  });

  it("is the same in another process (another machine with the same token)", () => {
    const { outputFiles } = buildSync({
      stdin: {
        contents: `import { fingerprint, fingerprintKey } from "./fingerprint.ts"; process.stdout.write(fingerprint(fingerprintKey(process.argv[1]), "v-123").hmac);`,
        resolveDir: new URL("../../src/explain", import.meta.url).pathname,
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      format: "cjs",
      write: false,
    });
    const other = execFileSync(process.execPath, ["-e", outputFiles[0]!.text, "--", TOKEN], { encoding: "utf8" });
    expect(other).toBe(fingerprint(fingerprintKey(TOKEN), "v-123").hmac);
  });

  it("differs between values and between tokens", () => {
    const key = fingerprintKey(TOKEN);
    expect(fingerprint(key, "a").hmac).not.toBe(fingerprint(key, "b").hmac);
    expect(fingerprint(fingerprintKey(`${TOKEN}x`), "a").hmac).not.toBe(fingerprint(key, "a").hmac);
  });

  it("is keyed: a plain hash of the value (what anyone could compute) does not match it", () => {
    // The attack: guess the value, hash it, compare. Without the token-derived key it never matches.
    const value = "5432";
    const { hmac } = fingerprint(fingerprintKey(TOKEN), value);
    for (const guessKey of ["", TOKEN, "secr-run explain fingerprint v1"]) {
      expect(createHmac("sha256", guessKey).update(value).digest("hex").slice(0, 8)).not.toBe(hmac);
    }
    expect(fingerprintKey(TOKEN).toString("hex")).not.toContain(Buffer.from(TOKEN).toString("hex"));
  });
});
