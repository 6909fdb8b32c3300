import { describe, expect, it } from "vitest";
import { expandReferences, ExpandError, MAX_DEPTH, parseReferences } from "../../src/plan/expand.js";
import { parseLayers, parseLayerSpec } from "../../src/plan/layer-spec.js";
import { describeOverrides, mergeLayers } from "../../src/plan/layers.js";
import { applyNames, checkPrefix, parseRenames, RenameCollision, splitRename } from "../../src/plan/rename.js";

describe("layer specs", () => {
  it("reads ENV and PROJECT/ENV, labelling other projects in full", () => {
    expect(parseLayerSpec("production", "shop")).toEqual({ project: "shop", env: "production", label: "production" });
    expect(parseLayerSpec("infra/shared", "shop")).toEqual({ project: "infra", env: "shared", label: "infra/shared" });
    expect(parseLayerSpec("shop/dev", "shop")).toEqual({ project: "shop", env: "dev", label: "dev" });
  });
  it("refuses empty parts, a second slash and the same layer twice", () => {
    for (const bad of ["", "/dev", "infra/", "a/b/c", " "]) expect(parseLayerSpec(bad, "shop")).toBeInstanceOf(Error);
    expect((parseLayers(["dev", "shop/dev"], "shop") as Error).message).toMatch(/given twice/);
    expect(parseLayers(["shared", "production"], "shop")).toHaveLength(2);
  });
});

describe("merging layers", () => {
  const merged = mergeLayers([
    { label: "shared", secrets: { DB_URL: "a", LOG: "x", __proto__: "p" } as Record<string, string> },
    { label: "staging", secrets: { DB_URL: "b" } },
    { label: "production", secrets: { DB_URL: "c", API: "k" } },
  ]);
  it("lets a later layer win and remembers what each key overrode", () => {
    expect({ ...merged.secrets }).toEqual({ DB_URL: "c", LOG: "x", API: "k" });
    expect(merged.provenance.DB_URL).toEqual({ from: 2, overrode: [0, 1] });
    expect(merged.provenance.LOG).toEqual({ from: 0, overrode: [] });
  });
  it("keeps a key named __proto__ as an ordinary key", () => {
    const withProto = mergeLayers([{ label: "a", secrets: JSON.parse('{"__proto__":"v"}') as Record<string, string> }]);
    expect(Object.keys(withProto.secrets)).toEqual(["__proto__"]);
    expect(withProto.secrets["__proto__"]).toBe("v");
  });
  it("describes each override by name only", () => {
    expect(describeOverrides(merged, ["shared", "staging", "production"])).toEqual([
      "DB_URL: production overrides shared, staging",
    ]);
  });
});

describe("references", () => {
  it("replaces ${KEY} with the expanded value, across any depth within the bound", () => {
    const out = expandReferences({
      HOST: "db",
      URL: "postgres://${USER}:${PASS}@${HOST}/app",
      USER: "u",
      PASS: "p$w${HOST}",
    });
    expect(out.secrets.URL).toBe("postgres://u:p$wdb@db/app");
    expect(out.references.URL).toEqual(["USER", "PASS", "HOST"]);
    expect(out.references.HOST).toBeUndefined();
  });
  it("keeps $$, bare $KEY and $${ as a literal ${", () => {
    const out = expandReferences({ A: "x$A $$ $${B} $", B: "b" });
    expect(out.secrets.A).toBe("x$A $$ ${B} $");
    expect(out.references.A).toBeUndefined();
  });
  it("names a missing key's chain, never a value", () => {
    const run = () => expandReferences({ A: "secret-a ${B}", B: "secret-b ${C}" });
    expect(run).toThrow(ExpandError);
    expect(run).toThrow("reference to a missing key: A -> B -> C (no secret C)");
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/secret-/);
    }
  });
  it("names a cycle from where it closes", () => {
    expect(() => expandReferences({ A: "${B}", B: "${C}", C: "${A}" })).toThrow(
      "references form a cycle: A -> B -> C -> A",
    );
    expect(() => expandReferences({ SELF: "x${SELF}" })).toThrow("references form a cycle: SELF -> SELF");
  });
  it("bounds the depth of a chain", () => {
    const secrets: Record<string, string> = {};
    for (let i = 0; i <= MAX_DEPTH + 1; i++) secrets[`K${i}`] = `\${K${i + 1}}`;
    secrets[`K${MAX_DEPTH + 2}`] = "end";
    expect(() => expandReferences(secrets)).toThrow(/nest deeper than 16/);
  });
  it("stops a value that doubles at each step (a billion laughs) at the size of one variable", () => {
    const secrets: Record<string, string> = { L0: "x".repeat(1024) };
    for (let i = 1; i <= 12; i++) secrets[`L${i}`] = `\${L${i - 1}}\${L${i - 1}}`;
    expect(() => expandReferences(secrets)).toThrow(/L8 expands to more than 128 KiB/);
  });
  it("refuses a malformed ${ with the escape to use", () => {
    expect(parseReferences("a${B")).toBeInstanceOf(Error);
    expect(() => expandReferences({ PW: "a${not a name}" })).toThrow(
      "PW has a `${...}` that is not a key name (write `$${` for a literal `${`)",
    );
  });
  it("never reads secr-run's own environment", () => {
    process.env.SECR_RUN_EXPAND_TEST = "local";
    expect(() => expandReferences({ A: "${SECR_RUN_EXPAND_TEST}" })).toThrow(/missing key/);
    delete process.env.SECR_RUN_EXPAND_TEST;
  });
});

describe("renames and prefix", () => {
  const renames = (pairs: Array<[string, string]>) => parseRenames(pairs) as Map<string, string>;
  it("renames all at once, then prefixes", () => {
    const out = applyNames(
      { A: "1", B: "2", C: "3" },
      {
        renames: renames([
          ["A", "B"],
          ["B", "D"],
        ]),
        prefix: "APP_",
      },
    );
    expect({ ...out.secrets }).toEqual({ APP_B: "1", APP_D: "2", APP_C: "3" });
    expect({ ...out.from }).toEqual({ APP_B: "A", APP_D: "B", APP_C: "C" });
  });
  it("refuses two keys on one name, naming both", () => {
    expect(() => applyNames({ A: "1", B: "2" }, { renames: renames([["A", "B"]]), prefix: "" })).toThrow(
      RenameCollision,
    );
    expect(() => applyNames({ A: "1", B: "2" }, { renames: renames([["A", "B"]]), prefix: "" })).toThrow(
      "--rename A=B and the key B both give B; rename one of them",
    );
    expect(() =>
      applyNames(
        { A: "1", B: "2" },
        {
          renames: renames([
            ["A", "X"],
            ["B", "X"],
          ]),
          prefix: "",
        },
      ),
    ).toThrow("--rename A=X and --rename B=X both give X");
  });
  it("warns about a rename of a key the run does not have", () => {
    expect(applyNames({ A: "1" }, { renames: renames([["GONE", "X"]]), prefix: "" }).warnings).toEqual([
      "--rename GONE: no such key in this run",
    ]);
  });
  it("checks what it is given", () => {
    expect(splitRename("A=B=C")).toEqual(["A", "B=C"]);
    expect(splitRename("AB")).toBeInstanceOf(Error);
    expect((parseRenames([["A", "B=C"]]) as Error).message).toMatch(/not a valid environment variable name/);
    expect(
      (
        parseRenames([
          ["A", "X"],
          ["A", "Y"],
        ]) as Error
      ).message,
    ).toMatch(/given twice/);
    expect(checkPrefix("APP_")).toBeUndefined();
    expect(checkPrefix("9X")).toBeInstanceOf(Error);
  });
});
