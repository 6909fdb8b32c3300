// plan() over layers and its order: layering, expansion, renames, prefix (docs/guide/layers.md).
import { describe, expect, it } from "vitest";
import { checkLayeredTemplates } from "../../src/plan/layered-template.js";
import { NO_RULES, type EnvRules } from "../../src/plan/env-rules.js";
import { plan, type PlanInput } from "../../src/plan/plan.js";
import type { PlanLayer } from "../../src/plan/compose.js";
import { combineVersions } from "../../src/watch/layered-versions.js";
import { layeredPoller } from "../../src/watch/layered-poll.js";

const layers: PlanLayer[] = [
  {
    label: "shared",
    project: "web",
    secrets: { DB: "shared-db", PW: "pw", LOG: "info" },
    validation: { valid: false, missing: ["API"], extra: [] },
  },
  {
    label: "infra/base",
    project: "infra",
    secrets: { SINK: "s" },
    validation: { valid: false, missing: ["TRACE", "DB"], extra: [] },
  },
  {
    label: "production",
    project: "web",
    secrets: { DB: "prod-db", API: "k", URL: "x://${PW}" },
    validation: { valid: true, missing: [], extra: [] },
  },
];
const input = (rules: Partial<EnvRules> = {}, over: Partial<PlanInput> = {}): PlanInput => ({
  where: "o/web/x",
  context: "export",
  layers,
  source: { kind: "secr" },
  inherited: {},
  rules: { ...NO_RULES, ...rules },
  token: "t",
  schema: undefined,
  platform: "linux",
  ...over,
});

describe("layered plan", () => {
  it("every project's template against the merged keys: a key one layer lacks and another has passes", () => {
    const check = checkLayeredTemplates(layers, { DB: "", PW: "", LOG: "", SINK: "", API: "", URL: "" })!;
    expect(check.failed).toBe(true);
    expect(check.missingFrom).toEqual([{ key: "TRACE", project: "infra" }]);
    const p = plan(input());
    expect(p.stop?.message).toBe(
      "o/web/x lacks required template keys: TRACE (template of infra) (nothing was printed)",
    );
    expect(p.rows.find((r) => r.key === "TRACE")).toMatchObject({
      action: "missing",
      reason: "required by the template of infra",
    });
  });

  it("orders layering, expansion, renames, prefix; the template sees secr's names, the name rules the child's", () => {
    const p = plan(
      input(
        { expand: true, renames: new Map([["URL", "LD_PRELOAD"]]), prefix: "" },
        { layers: layers.map((l) => ({ ...l, validation: undefined })) },
      ),
    );
    expect(p.stop?.exitCode).toBe(65);
    const ok = plan(
      input(
        { expand: true, renames: new Map([["DB", "DATABASE"]]), prefix: "APP_" },
        { layers: layers.map((l) => ({ ...l, validation: undefined })) },
      ),
    );
    expect(ok.env).toMatchObject({ APP_DATABASE: "prod-db", APP_URL: "x://pw" });
    expect(ok.rows.find((r) => r.key === "APP_DATABASE")).toMatchObject({
      secrName: "DB",
      layer: "production",
      overrode: ["shared"],
    });
    expect(ok.rows.find((r) => r.key === "APP_URL")).toMatchObject({ references: ["PW"] });
    expect(ok.overrides).toEqual(["DB: production overrides shared"]);
  });

  it("a cycle or a collision is the plan's stop, with no environment", () => {
    const cycle = plan(
      input(
        { expand: true },
        { layers: [{ label: "e", project: "web", secrets: { A: "${B}", B: "${A}" }, validation: undefined }] },
      ),
    );
    expect(cycle.stop).toEqual({
      exitCode: 78,
      message: "--expand: references form a cycle: A -> B -> A (nothing was printed)",
    });
    expect(cycle.env).toEqual({});
    expect(plan(input({ renames: new Map([["PW", "LOG"]]) })).stop?.exitCode).toBe(64);
  });
});

describe("watch over layers", () => {
  it("a change in a lower layer shows in the combined versions unless a higher layer overrides the key", () => {
    const before = combineVersions([{ A: 1, B: 1 }, { B: 5 }]);
    expect(combineVersions([{ A: 2, B: 1 }, { B: 5 }])).not.toEqual(before);
    expect(combineVersions([{ A: 1, B: 2 }, { B: 5 }])).toEqual(before);
    expect(combineVersions([{ A: 1, B: 1 }, {}])).not.toEqual(before);
  });

  it("polls every layer; a layer's ETag moves only when every layer answered", async () => {
    // Each env's current version; the ETag is the version, so a poll with it is a 304.
    const server: Record<string, number> = { a: 1, b: 1 };
    const asked: string[] = [];
    let bDown = false;
    const poll = layeredPoller(
      [
        { project: "p", env: "a" },
        { project: "p", env: "b" },
      ],
      async (target, etag, setEtag) => {
        asked.push(`${target.env}:${etag ?? "-"}`);
        if (bDown && target.env === "b") throw new Error("down");
        const version = server[target.env]!;
        if (etag === String(version)) return undefined;
        setEtag(String(version));
        return { [target.env.toUpperCase()]: version };
      },
    );
    expect(await poll()).toEqual(combineVersions([{ A: 1 }, { B: 1 }]));
    expect(await poll()).toBeUndefined();
    server.a = 2;
    bDown = true;
    await expect(poll()).rejects.toThrow("down");
    bDown = false;
    // a is asked with its old ETag again, so its change is not lost behind a 304.
    expect(await poll()).toEqual(combineVersions([{ A: 2 }, { B: 1 }]));
    expect(asked.slice(-2)).toEqual(["a:1", "b:1"]);
  });
});
