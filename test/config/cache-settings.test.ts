// The offline snapshot's settings: flag > environment > default, and the mistakes that stop a run.
import { describe, expect, it } from "vitest";
import { resolveCacheSettings } from "../../src/config/cache-settings.js";
import { DEFAULT_CACHE_MAX_AGE_MS } from "../../src/cache/index.js";

describe("resolveCacheSettings", () => {
  it("defaults: cache on, online, default directory, 7 days, no passphrase", () => {
    expect(resolveCacheSettings({}, {})).toEqual({
      ok: true,
      settings: {
        enabled: true,
        offline: false,
        dir: undefined,
        maxAgeMs: DEFAULT_CACHE_MAX_AGE_MS,
        passphrase: undefined,
        passphraseFromFlag: false,
        shareWindowMs: 0,
      },
    });
  });

  it("--share-window over SECR_SHARE_WINDOW over 0 (only fetches begun after the launch); mistakes name their source", () => {
    expect(resolveCacheSettings({}, { SECR_SHARE_WINDOW: "" })).toMatchObject({
      ok: true,
      settings: { shareWindowMs: 0 },
    });
    expect(resolveCacheSettings({}, { SECR_SHARE_WINDOW: "2s" })).toMatchObject({
      ok: true,
      settings: { shareWindowMs: 2_000 },
    });
    expect(resolveCacheSettings({ shareWindow: "0" }, { SECR_SHARE_WINDOW: "2s" })).toMatchObject({
      ok: true,
      settings: { shareWindowMs: 0 },
    });
    expect(resolveCacheSettings({ shareWindow: "5" }, {})).toMatchObject({
      ok: false,
      usage: true,
      message: expect.stringMatching(/^--share-window: /),
    });
    expect(resolveCacheSettings({}, { SECR_SHARE_WINDOW: "1h" })).toMatchObject({
      ok: false,
      usage: false,
      message:
        "SECR_SHARE_WINDOW must be at most 10m (0, the default: share only fetches begun after the run was launched)",
    });
  });

  it("environment variables, and flags over them", () => {
    const env = { SECR_OFFLINE: "1", SECR_CACHE_DIR: "/tmp/c", SECR_CACHE_MAX_AGE: "12h", SECR_PASSPHRASE: "pp-env" };
    expect(resolveCacheSettings({}, env)).toMatchObject({
      ok: true,
      settings: { offline: true, dir: "/tmp/c", maxAgeMs: 43_200_000, passphrase: "pp-env" },
    });
    const flags = { offline: false, cacheDir: "/tmp/d", cacheMaxAge: "0", passphrase: "pp-flag" };
    expect(resolveCacheSettings(flags, env)).toMatchObject({
      ok: true,
      settings: { offline: false, dir: "/tmp/d", maxAgeMs: 0, passphrase: "pp-flag", passphraseFromFlag: true },
    });
    expect(resolveCacheSettings({ cache: true }, { SECR_NO_CACHE: "true" })).toMatchObject({
      settings: { enabled: true },
    });
    expect(resolveCacheSettings({}, { SECR_NO_CACHE: "1" })).toMatchObject({ settings: { enabled: false } });
  });

  it("empty variables mean unset", () => {
    expect(
      resolveCacheSettings({}, { SECR_OFFLINE: "", SECR_NO_CACHE: "0", SECR_CACHE_DIR: "", SECR_PASSPHRASE: "" }),
    ).toMatchObject({
      settings: { enabled: true, offline: false, dir: undefined, passphrase: undefined },
    });
  });

  it("mistakes: flags are usage errors, variables configuration errors", () => {
    expect(resolveCacheSettings({ cacheMaxAge: "7" }, {})).toMatchObject({
      ok: false,
      usage: true,
      message: expect.stringContaining("--cache-max-age"),
    });
    expect(resolveCacheSettings({}, { SECR_CACHE_MAX_AGE: "week" })).toMatchObject({
      ok: false,
      usage: false,
      message: expect.stringContaining("SECR_CACHE_MAX_AGE"),
    });
    expect(resolveCacheSettings({}, { SECR_OFFLINE: "yes" })).toMatchObject({ ok: false, usage: false });
    expect(resolveCacheSettings({ offline: true, cache: false }, {})).toMatchObject({ ok: false, usage: true });
    expect(resolveCacheSettings({ offline: true }, { SECR_NO_CACHE: "1" })).toMatchObject({
      ok: false,
      usage: false,
      message: "--offline and SECR_NO_CACHE=1 exclude each other: offline runs start from the snapshot",
    });
  });
});

describe("cache flags on the command line", () => {
  it("absent flags stay undefined so the environment can decide; --no-cache / --offline / values are read", async () => {
    const { runCommand } = await import("../../src/cli/commands/run/command.js");
    const { exportCommand } = await import("../../src/cli/commands/export/command.js");
    const { cacheFlags } = await import("../../src/cli/options/shared.js");
    const cacheOf = (args: string[]) => cacheFlags(runCommand.parse(args).options);
    expect(cacheOf([])).toEqual({
      offline: undefined,
      cache: undefined,
      cacheDir: undefined,
      cacheMaxAge: undefined,
      passphrase: undefined,
    });
    expect(cacheOf(["--no-cache", "--offline", "--cache-dir", "/c", "--cache-max-age=0", "--passphrase", "p"])).toEqual(
      {
        offline: true,
        cache: false,
        cacheDir: "/c",
        cacheMaxAge: "0",
        passphrase: "p",
      },
    );
    expect(exportCommand.parse(["--format", "json", "--offline"]).options.offline).toBe(true);
  });
});
