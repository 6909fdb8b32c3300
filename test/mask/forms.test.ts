// --mask against the encodings a program really logs a value in: the built CLI over a real
// loopback server (msw handlers), a real child that prints a DATABASE_URL as PHP, Go, encodeURI,
// lower-case percent-encoding and wrapped base64 write it (docs/design/delivery.md, "Masking").
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trieStates } from "../../src/mask/budget.js";
import { maskPatterns } from "../../src/mask/patterns.js";
import { startMswServer, type MswServer } from "../helpers/msw-server.js";
import { secrHandlers } from "../helpers/secr-api.js";
import { NODE, runCli } from "../helpers/cli.js";

const PRINT_FORMS = fileURLToPath(new URL("./fixtures/print-forms.cjs", import.meta.url));
// Slashes (PHP escapes them), & < > (Go escapes them), characters encodeURI keeps and
// encodeURIComponent does not, a space, non-ASCII, and long enough to wrap in base64.
const DATABASE_URL = "postgres://app:pa55/w0rd@db.internal:5432/app?sslmode=require&opt=<x>#frag é";

let server: MswServer;
beforeAll(async () => {
  server = await startMswServer(...secrHandlers(() => ({ DATABASE_URL })));
});
afterAll(async () => server.close());

describe("--mask covers the encoders it documents", () => {
  it("a child printing the value as PHP, Go, encodeURI, %xx in lower case and wrapped base64 leaks none of it", async () => {
    const result = await runCli(
      ["--org", "acme", "--project", "api", "--env", "prod", "--mask", "--", NODE, PRINT_FORMS, "DATABASE_URL"],
      {
        env: { SECR_API_URL: server.url, SECR_TOKEN: "secr_mask_forms_tok_6a2f" },
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const blocks = result.stdout.split(/^([a-z0-9-]+):\r?\n/m).slice(1);
    const names = blocks.filter((_, i) => i % 2 === 0);
    expect(names).toEqual(["lowercase-percent", "encode-uri", "php-json", "go-json", "base64-76", "mime-76", "pem-64"]);
    for (let i = 0; i < blocks.length; i += 2) expect(blocks[i + 1], blocks[i]).toContain("[secr:DATABASE_URL]");
    // No piece of the password, in any form, is left.
    for (const needle of ["pa55", "cGE1NS93MHJk", "db.internal"]) expect(result.stdout).not.toContain(needle);
    // Wrapped base64: at most the two characters at each end that mix in neighbouring bytes.
    for (const name of ["base64-76", "mime-76", "pem-64"]) {
      const block = blocks[blocks.indexOf(name) + 1]!;
      expect(block.replace("[secr:DATABASE_URL]", "").replace(/\s/g, "").length, name).toBeLessThanOrEqual(8);
    }
  });

  it("the cost of the forms in automaton states per value byte (docs/design/delivery.md states these)", () => {
    const perByte = (value: string) => trieStates(maskPatterns({ K: value }).patterns) / Buffer.byteLength(value);
    expect(perByte("s3cr3t-Passw0rd")).toBeCloseTo(4.93, 1);
    expect(perByte(DATABASE_URL)).toBeCloseTo(11.82, 1);
  });
});
