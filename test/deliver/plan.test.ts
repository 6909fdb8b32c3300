import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { planDelivery, type PlanInput } from "../../src/deliver/plan.js";
import { parseFileOption, parseTemplateOption } from "../../src/deliver/specs.js";

const SECRETS = { DB_PASSWORD: "p@ss'word\"$x", API_KEY: "sk_123456" };
const base = (over: Partial<PlanInput> = {}): PlanInput => ({
  spec: { files: [], templates: [] },
  secrets: SECRETS,
  templateTexts: [],
  runDir: "/run/user/1000/secr-run-1-2-abc",
  cwd: "/work/app",
  platform: "linux",
  ...over,
});

describe("delivery options", () => {
  it("parses --file KEY and KEY=PATH", () => {
    expect(parseFileOption("DB_PASSWORD")).toEqual({ ok: true, value: { key: "DB_PASSWORD" } });
    expect(parseFileOption("DB_PASSWORD=/etc/app/db=x")).toEqual({
      ok: true,
      value: { key: "DB_PASSWORD", path: "/etc/app/db=x" },
    });
    expect(parseFileOption("1BAD").ok).toBe(false);
    expect(parseFileOption("KEY=").ok).toBe(false);
    expect(parseFileOption("").ok).toBe(false);
  });

  it("parses --template SRC:DEST at the first colon, skipping a Windows drive letter", () => {
    expect(parseTemplateOption("app.tmpl:out/app.conf", "linux")).toEqual({
      ok: true,
      value: { source: "app.tmpl", dest: "out/app.conf" },
    });
    expect(parseTemplateOption("C:\\t\\a.tmpl:D:\\out.conf", "win32")).toEqual({
      ok: true,
      value: { source: "C:\\t\\a.tmpl", dest: "D:\\out.conf" },
    });
    expect(parseTemplateOption("only-source", "linux").ok).toBe(false);
    expect(parseTemplateOption(":dest", "linux").ok).toBe(false);
    expect(parseTemplateOption("src:", "linux").ok).toBe(false);
  });
});

describe("planDelivery", () => {
  it("--file KEY goes to the run directory; KEY_FILE is set and KEY removed", () => {
    const plan = planDelivery(base({ spec: { files: [{ key: "DB_PASSWORD" }], templates: [] } }));
    expect(plan).toEqual({
      ok: true,
      files: [
        {
          path: "/run/user/1000/secr-run-1-2-abc/DB_PASSWORD",
          content: SECRETS.DB_PASSWORD,
          origin: "--file DB_PASSWORD",
          inRunDir: true,
        },
      ],
      setEnv: { DB_PASSWORD_FILE: "/run/user/1000/secr-run-1-2-abc/DB_PASSWORD" },
      unsetEnv: ["DB_PASSWORD"],
    });
  });

  it("--file KEY=PATH resolves a relative path against the working directory", () => {
    const plan = planDelivery(base({ spec: { files: [{ key: "API_KEY", path: "secrets/key" }], templates: [] } }));
    expect(plan.ok && plan.files[0]).toMatchObject({ path: "/work/app/secrets/key", inRunDir: false });
    expect(plan.ok && plan.setEnv).toEqual({ API_KEY_FILE: "/work/app/secrets/key" });
  });

  it("refuses a key that is not injected (78), a repeated key (64) and a KEY_FILE secret (65)", () => {
    expect(planDelivery(base({ spec: { files: [{ key: "NOPE" }], templates: [] } }))).toMatchObject({
      ok: false,
      exitCode: 78,
      message: expect.stringContaining("--file NOPE"),
    });
    expect(
      planDelivery(base({ spec: { files: [{ key: "API_KEY" }, { key: "API_KEY", path: "x" }], templates: [] } })),
    ).toMatchObject({ ok: false, exitCode: 64 });
    expect(
      planDelivery(
        base({ secrets: { ...SECRETS, API_KEY_FILE: "x" }, spec: { files: [{ key: "API_KEY" }], templates: [] } }),
      ),
    ).toMatchObject({ ok: false, exitCode: 65 });
  });

  it("--mount writes the whole set in the export format, round-tripping", () => {
    const plan = planDelivery(
      base({ spec: { files: [], mount: { path: "/tmp/m.env", format: "dotenv" }, templates: [] } }),
    );
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(parse(plan.files[0]!.content)).toEqual(SECRETS);
    const json = planDelivery(base({ spec: { files: [], mount: { path: "m.json", format: "json" }, templates: [] } }));
    expect(json.ok && JSON.parse(json.files[0]!.content)).toEqual(SECRETS);
    expect(json.ok && json.files[0]!.path).toBe("/work/app/m.json");
  });

  it("--mount dotenv refuses values dotenv cannot hold, naming the key (65)", () => {
    const plan = planDelivery(
      base({
        secrets: { BAD: "a'b\"c`d\ne" },
        spec: { files: [], mount: { path: "m", format: "dotenv" }, templates: [] },
      }),
    );
    expect(plan).toMatchObject({ ok: false, exitCode: 65, message: expect.stringContaining("BAD") });
  });

  it("renders templates and refuses one using a missing key, naming it (78)", () => {
    const spec = { files: [], templates: [{ source: "a.tmpl", dest: "a.conf" }] };
    const ok = planDelivery(base({ spec, templateTexts: ["password={{DB_PASSWORD}}\n"] }));
    expect(ok.ok && ok.files[0]).toMatchObject({
      path: "/work/app/a.conf",
      content: `password=${SECRETS.DB_PASSWORD}\n`,
    });
    const missing = planDelivery(base({ spec, templateTexts: ["{{API_KEY}} {{NOT_THERE}} {{ALSO_NOT}}"] }));
    expect(missing).toMatchObject({
      ok: false,
      exitCode: 78,
      message: expect.stringMatching(/--template a\.tmpl: .*NOT_THERE, ALSO_NOT/),
    });
  });

  it("refuses two options writing the same file (64)", () => {
    const plan = planDelivery(
      base({
        spec: {
          files: [{ key: "API_KEY", path: "/work/app/out" }],
          mount: { path: "out", format: "json" },
          templates: [],
        },
      }),
    );
    expect(plan).toMatchObject({ ok: false, exitCode: 64, message: expect.stringContaining("/work/app/out") });
  });

  it("never puts a value in a message", () => {
    const inputs: PlanInput[] = [
      base({
        spec: { files: [], templates: [{ source: "t", dest: "d" }] },
        templateTexts: ["{{#DB_PASSWORD}}{{X}}{{/DB_PASSWORD}}"],
      }),
      base({
        secrets: { ...SECRETS, BAD: "a'b\"c`d\ne" },
        spec: { files: [], mount: { path: "m", format: "dotenv" }, templates: [] },
      }),
      base({ secrets: { ...SECRETS, API_KEY_FILE: "zzzzzzzz" }, spec: { files: [{ key: "API_KEY" }], templates: [] } }),
    ];
    for (const input of inputs) {
      const plan = planDelivery(input);
      expect(plan.ok).toBe(false);
      for (const value of Object.values(input.secrets)) if (!plan.ok) expect(plan.message).not.toContain(value);
    }
  });
});
