// Pure decisions of the project-file trust model: the ownership rule, the trust store format,
// when trust is needed, and the messages (printable whatever the file holds).
import { describe, expect, it } from "vitest";
import { unsafePrivatePath, unsafeProjectFile } from "../../src/config/ownership.js";
import { DEFAULT_API_URL, type SettingSource } from "../../src/config/settings.js";
import {
  apiUrlNeedsTrust,
  EMPTY_TRUST_STORE,
  ignoredProjectFileMessage,
  isTrusted,
  parseTrustStore,
  printable,
  serializeTrustStore,
  shellWord,
  untrustedApiUrlMessage,
  withoutTrust,
  withTrust,
} from "../../src/config/trust.js";

const ME = 1000;
const file = (mode: number, uid = ME) => ({ uid, mode: 0o100000 | mode });
const dir = (mode: number, uid = ME) => ({ uid, mode: 0o040000 | mode });

describe("unsafeProjectFile (git's safe.directory, plus write bits)", () => {
  it("accepts your file, or root's, writable only by its owner, in such a directory", () => {
    expect(unsafeProjectFile(file(0o644), dir(0o755), ME)).toBeUndefined();
    expect(unsafeProjectFile(file(0o600), dir(0o700), ME)).toBeUndefined();
    expect(unsafeProjectFile(file(0o644, 0), dir(0o755, 0), ME)).toBeUndefined();
  });

  it.each([
    ["another user's file", file(0o644, 65534), dir(0o755), "it belongs to another user (uid 65534)"],
    ["a world-writable file", file(0o666), dir(0o755), "it is writable by other users"],
    ["a group-writable file", file(0o664), dir(0o755), "it is writable by its group"],
    [
      "a file in another user's directory",
      file(0o644),
      dir(0o755, 65534),
      "its directory belongs to another user (uid 65534)",
    ],
    ["a file in a world-writable directory", file(0o644), dir(0o777), "its directory is writable by other users"],
    [
      "a file in /tmp (sticky, world-writable)",
      file(0o644),
      dir(0o1777, 0),
      "its directory is writable by other users",
    ],
    ["a file in a group-writable directory", file(0o644), dir(0o775), "its directory is writable by its group"],
    ["a FIFO", { uid: ME, mode: 0o010644 }, dir(0o755), "it is not a regular file"],
  ])("rejects %s", (_label, f, d, reason) => {
    expect(unsafeProjectFile(f, d, ME)).toBe(reason);
  });

  it("as root, only root's files pass", () => {
    expect(unsafeProjectFile(file(0o644, 0), dir(0o755, 0), 0)).toBeUndefined();
    expect(unsafeProjectFile(file(0o644, 65534), dir(0o755, 0), 0)).toBe("it belongs to another user (uid 65534)");
  });
});

describe("unsafePrivatePath (the trust store)", () => {
  it("accepts only your own entry, writable by you alone; root's is not enough", () => {
    expect(unsafePrivatePath(dir(0o700), ME)).toBeUndefined();
    expect(unsafePrivatePath(file(0o600), ME)).toBeUndefined();
    expect(unsafePrivatePath(file(0o600, 0), ME)).toBe("it belongs to another user (uid 0)");
    expect(unsafePrivatePath(file(0o620), ME)).toBe("it is writable by its group");
    expect(unsafePrivatePath(dir(0o707), ME)).toBe("it is writable by other users");
  });
});

describe("trust store", () => {
  const loaded = { path: "/repo/.secr.json", data: { apiUrl: "http://x" }, sha256: "a".repeat(64) };

  it("trusts exactly the recorded path and hash", () => {
    const store = withTrust(EMPTY_TRUST_STORE, loaded);
    expect(isTrusted(store, loaded)).toBe(true);
    expect(isTrusted(store, { ...loaded, sha256: "b".repeat(64) })).toBe(false);
    expect(isTrusted(store, { ...loaded, path: "/other/.secr.json" })).toBe(false);
    expect(isTrusted(store, { ...loaded, sha256: undefined })).toBe(false);
    expect(isTrusted(withoutTrust(store, loaded.path), loaded)).toBe(false);
    expect(EMPTY_TRUST_STORE.files).toEqual({});
  });

  it("does not take inherited object keys for entries", () => {
    expect(isTrusted(EMPTY_TRUST_STORE, { ...loaded, path: "constructor" })).toBe(false);
    expect(isTrusted(EMPTY_TRUST_STORE, { ...loaded, path: "__proto__" })).toBe(false);
  });

  it("round-trips through its file format and rejects anything else", () => {
    const store = withTrust(EMPTY_TRUST_STORE, loaded);
    expect(parseTrustStore(serializeTrustStore(store), "t")).toEqual(store);
    expect(parseTrustStore("{", "/c/trusted.json")).toBeInstanceOf(Error);
    expect(parseTrustStore('{"version":2,"files":{}}', "t")).toBeInstanceOf(Error);
    expect(parseTrustStore('{"version":1,"files":{"/r/.secr.json":"not-a-hash"}}', "t")).toBeInstanceOf(Error);
  });
});

describe("apiUrlNeedsTrust", () => {
  const sources = (apiUrl: SettingSource) =>
    ({
      org: "flag",
      project: "flag",
      env: "flag",
      token: "environment",
      timeout: "default",
      caFile: "default",
      apiUrl,
    }) as const;
  it("only when the file chose where the token goes", () => {
    expect(apiUrlNeedsTrust({ apiUrl: "http://127.0.0.1:9", sources: sources("project file") })).toBe(true);
    expect(apiUrlNeedsTrust({ apiUrl: DEFAULT_API_URL, sources: sources("project file") })).toBe(false);
    expect(apiUrlNeedsTrust({ apiUrl: "http://127.0.0.1:9", sources: sources("flag") })).toBe(false);
    expect(apiUrlNeedsTrust({ apiUrl: "http://127.0.0.1:9", sources: sources("environment") })).toBe(false);
    expect(apiUrlNeedsTrust({ apiUrl: DEFAULT_API_URL, sources: sources("default") })).toBe(false);
  });
});

describe("messages", () => {
  it("the refusal names the file, the URL and the command that trusts it", () => {
    expect(untrustedApiUrlMessage("/repo/.secr.json", "http://127.0.0.1:4317")).toBe(
      '/repo/.secr.json sets apiUrl "http://127.0.0.1:4317"; trust it with: secr-run allow /repo/.secr.json',
    );
  });

  it("strips terminal escapes, bidi overrides and line breaks from what the file holds", () => {
    const message = untrustedApiUrlMessage(
      "/re\u001b[2Jpo/.secr.json",
      'http://evil\u001b]0;title\u0007/\u202Egnp.exe"\r\nsecr-run: fake',
    );
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(message).toContain('"http://evil]0;title/gnp.exe\\"secr-run: fake"');
    expect(printable("x".repeat(300))).toHaveLength(201);
  });

  it("quotes a path for the shell only when it needs it", () => {
    expect(shellWord("/a/b-c_d.e/.secr.json")).toBe("/a/b-c_d.e/.secr.json");
    expect(shellWord("/my repo/.secr.json")).toBe("'/my repo/.secr.json'");
    expect(shellWord("/it's/$(x)")).toBe(`'/it'\\''s/$(x)'`);
  });

  it("the warning for an ignored file names the path and the reason", () => {
    expect(ignoredProjectFileMessage("/tmp/shared/.secr.json", "it is writable by other users")).toMatch(
      /^ignoring \/tmp\/shared\/\.secr\.json: it is writable by other users; /,
    );
  });
});
