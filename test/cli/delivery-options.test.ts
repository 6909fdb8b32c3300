import { describe, expect, it } from "vitest";
import { deliverySettings } from "../../src/cli/commands/run/delivery-options.js";
import { usageMessage as usage } from "../helpers/usage.js";

describe("deliverySettings", () => {
  it("nothing asked: no files, no masking", () => {
    expect(deliverySettings({ mask: false })).toEqual({
      spec: { files: [], mount: undefined, templates: [] },
      maskMinLength: undefined,
    });
  });

  it("turns the options into a delivery spec with defaults", () => {
    expect(deliverySettings({ file: ["A", "B=/x"], mount: "m", template: ["t:d"], mask: true }, "linux")).toEqual({
      spec: {
        files: [{ key: "A" }, { key: "B", path: "/x" }],
        mount: { path: "m", format: "dotenv" },
        templates: [{ source: "t", dest: "d" }],
      },
      maskMinLength: 6,
    });
    expect(deliverySettings({ mask: true, maskMinLength: "12" }).maskMinLength).toBe(12);
  });

  it("usage errors name the option", () => {
    expect(usage(() => deliverySettings({ mountFormat: "json", mask: false }))).toBe(
      "--mount-format needs --mount PATH",
    );
    expect(usage(() => deliverySettings({ maskMinLength: "4", mask: false }))).toBe("--mask-min-length needs --mask");
    for (const bad of ["0", "-1", "1.5", "abc", "99999"])
      expect(usage(() => deliverySettings({ mask: true, maskMinLength: bad }))).toContain("--mask-min-length must be");
    expect(usage(() => deliverySettings({ file: ["A=B=C", "9X-secr_tok"], mask: false }))).toBe(
      "--file: expected KEY or KEY=PATH, KEY a variable name ([A-Za-z_][A-Za-z0-9_]*)",
    );
  });
});
