// The README's first command ends in `node examples/demo.js` (after install and build): it must
// work, show the app's masked keys, and never print a value.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { expect, it } from "vitest";
import { cleanEnv } from "../helpers/cli.js";

const DEMO = fileURLToPath(new URL("../../examples/demo.js", import.meta.url));
const SEED = JSON.parse(readFileSync(new URL("../../examples/seed.json", import.meta.url), "utf8")) as {
  orgs: { acme: { projects: { api: { environments: Record<string, Record<string, string | { value: string }>> } } } };
};

it("npm run demo: a seeded local server, secr-run --env production -- node app.js, exit 0", async () => {
  const result = await execa(process.execPath, [DEMO], {
    reject: false,
    extendEnv: false,
    env: cleanEnv({ SECR_ORG: "not-used-by-the-demo" }),
    all: true,
  });
  expect(result.exitCode, result.all).toBe(0);
  expect(result.stdout).toContain("received 6 of 6 expected secrets");
  expect(result.stdout).toContain("SECR_TOKEN           (removed by secr-run)");
  const values = Object.values(SEED.orgs.acme.projects.api.environments)
    .flatMap((env) => Object.values(env))
    .map((v) => (typeof v === "string" ? v : v.value))
    .filter((v) => v.length >= 8);
  for (const value of values) expect(result.all, "a seeded value was printed").not.toContain(value);
});
