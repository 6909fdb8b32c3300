import { describe, expect, it } from "vitest";
import { buildChildEnv } from "../../src/plan/child-env.js";

const inherited = {
  PATH: "/usr/bin",
  HOME: "/home/u",
  SHARED: "inherited",
  KEEP: "inherited-keep",
  SECR_TOKEN: "secr_cli_parent",
  SECR_PASSPHRASE: "pp",
  SECR_ENV: "production",
  UNSET: undefined,
};
const secrets = { SHARED: "secret", KEEP: "secret-keep", NEW: "new" };

describe("buildChildEnv", () => {
  it("inherited + secrets, secrets win, secr-run's credentials removed", () => {
    const { env, preserved } = buildChildEnv({
      inherited,
      secrets,
      preserve: false,
      passToken: false,
      token: "secr_cli_used",
      platform: "linux",
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/u",
      SHARED: "secret",
      KEEP: "secret-keep",
      NEW: "new",
      SECR_ENV: "production",
    });
    expect(preserved).toEqual([]);
  });

  it("--preserve-env keeps every inherited value", () => {
    const { env, preserved } = buildChildEnv({
      inherited,
      secrets,
      preserve: true,
      passToken: false,
      token: "t",
      platform: "linux",
    });
    expect([env.SHARED, env.KEEP, env.NEW]).toEqual(["inherited", "inherited-keep", "new"]);
    expect(preserved.sort()).toEqual(["KEEP", "SHARED"]);
  });

  it("--preserve-env=K keeps only the named ones", () => {
    const { env, preserved } = buildChildEnv({
      inherited,
      secrets,
      preserve: ["KEEP"],
      passToken: false,
      token: "t",
      platform: "linux",
    });
    expect([env.SHARED, env.KEEP]).toEqual(["secret", "inherited-keep"]);
    expect(preserved).toEqual(["KEEP"]);
  });

  it("--pass-token gives the child the token secr-run used", () => {
    const { env } = buildChildEnv({
      inherited,
      secrets,
      preserve: false,
      passToken: true,
      token: "secr_cli_used",
      platform: "linux",
    });
    expect(env.SECR_TOKEN).toBe("secr_cli_used");
    expect(env.SECR_PASSPHRASE).toBe("pp");
  });

  it("a secret named SECR_TOKEN is the app's own secret and is injected", () => {
    const { env } = buildChildEnv({
      inherited,
      secrets: { SECR_TOKEN: "apps-own" },
      preserve: false,
      passToken: false,
      token: "t",
      platform: "linux",
    });
    expect(env.SECR_TOKEN).toBe("apps-own");
  });

  it("on Windows a secret replaces the inherited variable of any case", () => {
    const { env } = buildChildEnv({
      inherited: { Foo: "old", secr_token: "x" },
      secrets: { FOO: "new" },
      preserve: false,
      passToken: false,
      token: "t",
      platform: "win32",
    });
    expect(env).toEqual({ FOO: "new" });
  });
});
