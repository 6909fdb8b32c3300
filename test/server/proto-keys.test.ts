// Keys named like Object.prototype members must be plain keys everywhere: stored, listed,
// bulk-set, promoted, registered as templates, seeded, and kept across a restart.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SecrClient } from "../../src/client/client.js";
import { startServer } from "../../src/server/index.js";
import { ADMIN } from "./fixtures.js";

const KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];
const value = (key: string, env: string) => `${env} value of ${key}`;

const protoSeed = {
  tokens: [{ token: ADMIN, role: "admin" }],
  orgs: JSON.parse(
    `{"__proto__": {"projects": {"constructor": {"environments": {"toString": {"__proto__": "seeded-proto", "constructor": {"value": "seeded-ctor", "description": "d"}}, "staging": {}}, "templates": [{"key": "__proto__"}]}}}}`,
  ),
};

it("stores and serves __proto__, constructor, toString … as ordinary keys, also across a restart", async () => {
  const dataPath = await mkdtemp(join(tmpdir(), "secr-proto-"));
  try {
    const server = await startServer({ port: 0, seed: protoSeed, dataPath });
    const c = new SecrClient({ apiUrl: server.url, token: ADMIN, maxRetries: 0 });
    const [org, project] = ["__proto__", "constructor"];
    // Seeded through JSON.parse, so "__proto__" is an own key of the seed, not a prototype.
    expect((await c.pullSecrets(org, project, "toString")).secrets.map((s) => [s.key, s.value, s.description])).toEqual(
      [
        ["__proto__", "seeded-proto", undefined],
        ["constructor", "seeded-ctor", "d"],
      ],
    );
    for (const key of KEYS)
      expect(await c.setSecret(org, project, "staging", key, value(key, "put"))).toEqual({ key, version: 1 });
    expect(
      await c.bulkSetSecrets(
        org,
        project,
        "staging",
        KEYS.map((key) => ({ key, value: value(key, "bulk") })),
      ),
    ).toEqual({
      created: 0,
      updated: KEYS.length,
      total: KEYS.length,
    });
    expect(
      await c.promoteSecrets(org, project, {
        fromEnv: "staging",
        toEnv: "toString",
        keys: ["__proto__", "toString"],
        overwrite: true,
      }),
    ).toEqual({
      promoted: 2,
      created: 1,
      updated: 1,
      skipped: 0,
    });
    for (const key of ["constructor", "toString", "valueOf"])
      await c.createTemplate(org, project, key, { required: key !== "valueOf" });
    const check = async (client: SecrClient) => {
      const staging = await client.pullSecrets(org, project, "staging");
      expect(staging.secrets.map((s) => [s.key, s.value, s.version])).toEqual(
        [...KEYS].sort().map((key) => [key, value(key, "bulk"), 2]),
      );
      const target = await client.pullSecrets(org, project, "toString");
      expect(Object.fromEntries(target.secrets.map((s) => [s.key, s.value] as const))).toEqual(
        JSON.parse(
          `{"__proto__": "bulk value of __proto__", "constructor": "seeded-ctor", "toString": "bulk value of toString"}`,
        ),
      );
      expect((await client.listKeys(org, project, "staging", { search: "proto" })).keys.map((k) => k.key)).toEqual([
        "__proto__",
      ]);
      expect((await client.listTemplates(org, project)).map((t) => [t.key, t.required])).toEqual([
        ["__proto__", true],
        ["constructor", true],
        ["toString", true],
        ["valueOf", false],
      ]);
      expect(await client.validateTemplate(org, project, "toString")).toEqual({ valid: true, missing: [], extra: [] });
      expect(await client.validateTemplate(org, project, "staging")).toEqual({
        valid: true,
        missing: [],
        extra: ["__defineGetter__", "hasOwnProperty"],
      });
    };
    await check(c);
    expect(await c.deleteSecret(org, project, "staging", "__proto__")).toEqual({ deleted: true, key: "__proto__" });
    expect(await c.deleteTemplate(org, project, "valueOf")).toEqual({ deleted: true, key: "valueOf" });
    await c.setSecret(org, project, "staging", "__proto__", value("__proto__", "bulk")); // v3: deletion kept the count
    await c.close();
    await server.close();

    const again = await startServer({ port: 0, seed: protoSeed, dataPath });
    const c2 = new SecrClient({ apiUrl: again.url, token: ADMIN, maxRetries: 0 });
    expect((await c2.listKeys(org, project, "staging")).keys.find((k) => k.key === "__proto__")?.version).toBe(3);
    await c2.createTemplate(org, project, "valueOf", { required: false });
    await c2.setSecret(org, project, "staging", "__proto__", value("__proto__", "bulk")); // back to v… 4, values as before
    const staging = await c2.pullSecrets(org, project, "staging");
    expect(staging.secrets.filter((s) => s.key !== "__proto__").every((s) => s.version === 2)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await c2.close();
    await again.close();
  } finally {
    await rm(dataPath, { recursive: true, force: true });
  }
});
