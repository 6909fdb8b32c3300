// The pure decisions of `--exec` (docs/design/process-model.md, "Exec mode"): when it is refused, how
// the exec is made on each Node line, and how the program is found on PATH.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decideExec, type ExecFlags } from "../../src/supervise/exec-rules.js";
import { execTarget } from "../../src/supervise/exec-argv.js";
import { resolveProgram } from "../../src/supervise/resolve-program.js";
import { tempDir } from "../helpers/temp.js";

const none: ExecFlags = { watch: false, mask: false };
const linux = (node: string, hasExecve = true) => ({ platform: "linux" as const, node, hasExecve });

describe("decideExec", () => {
  it("names every flag that needs a resident parent, all at once", () => {
    const refused = decideExec(
      { watch: true, mask: true, file: ["A"], mount: "m", template: ["a:b"], reportJson: "r.json" },
      linux("26.1.0"),
    );
    expect(refused).toBeInstanceOf(Error);
    for (const flag of ["--watch", "--mask", "--file", "--mount", "--template", "--report-json"])
      expect((refused as Error).message).toContain(flag);
    expect(decideExec({ ...none, file: [], template: [] }, linux("26.1.0"))).toEqual({ throughShell: false });
  });

  it("needs process.execve: Node >= 22.15, not Windows", () => {
    expect((decideExec(none, linux("20.20.2", false)) as Error).message).toBe(
      "--exec needs Node >= 22.15 (process.execve); this is Node 20.20.2: upgrade Node or drop --exec",
    );
    expect(decideExec(none, linux("22.14.0", false))).toBeInstanceOf(Error);
    expect((decideExec(none, { platform: "win32", node: "26.1.0", hasExecve: false }) as Error).message).toMatch(
      /^--exec is not available on Windows/,
    );
  });

  it("before Node 26 (execve aborts on failure) Node only ever execs /bin/sh", () => {
    expect(decideExec(none, linux("22.15.0"))).toEqual({ throughShell: true });
    expect(decideExec(none, linux("25.9.0"))).toEqual({ throughShell: true });
    expect(decideExec(none, linux("26.0.0"))).toEqual({ throughShell: false });
  });
});

describe("execTarget", () => {
  const env = { PATH: "/bin" };
  const cmd = { file: "node", args: ["a b", "$HOME"], shell: false, env };

  it("the program itself, argv[0] as written, args untouched", () => {
    expect(execTarget(cmd, "/usr/bin/node", [], false)).toEqual({
      path: "/usr/bin/node",
      argv: ["node", "a b", "$HOME"],
      env,
    });
  });

  it("through /bin/sh, args passed as positional parameters (never re-quoted)", () => {
    expect(execTarget(cmd, "/usr/bin/node", [], true)).toEqual({
      path: "/bin/sh",
      argv: ["/bin/sh", "-c", 'exec "$0" "$@"', "/usr/bin/node", "a b", "$HOME"],
      env,
    });
    expect(execTarget(cmd, "/usr/bin/node", [1, 12], false).argv).toEqual([
      "/bin/sh",
      "-c",
      `trap '' 1 12; exec "$0" "$@"`,
      "/usr/bin/node",
      "a b",
      "$HOME",
    ]);
  });

  it("a --command string is /bin/sh -c, with the trap first", () => {
    expect(execTarget({ file: "echo hi | cat", args: [], shell: true, env }, "/bin/sh", [1], false)).toEqual({
      path: "/bin/sh",
      argv: ["/bin/sh", "-c", "trap '' 1; echo hi | cat"],
      env,
    });
  });
});

describe("resolveProgram", () => {
  const dir = tempDir("secr-run-resolve-");
  afterAll(() => dir.remove());
  const make = (path: string, mode: number) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, mode);
  };
  make(join(dir.path, "a/tool"), 0o644);
  make(join(dir.path, "b/tool"), 0o755);
  mkdirSync(join(dir.path, "c/tool"), { recursive: true });
  make(join(dir.path, "here"), 0o755);

  it("PATH in order, skipping what cannot be executed (a 0644 file, a directory)", () => {
    const path = ["a", "c", "b"].map((d) => join(dir.path, d)).join(":");
    expect(resolveProgram("tool", path, "/")).toEqual({ ok: true, path: join(dir.path, "b/tool") });
  });

  it("found only unexecutable: EACCES (126); not found: ENOENT (127)", () => {
    expect(resolveProgram("tool", join(dir.path, "a"), "/")).toEqual({ ok: false, code: "EACCES" });
    expect(resolveProgram("tool", join(dir.path, "c"), "/")).toEqual({ ok: false, code: "EACCES" });
    expect(resolveProgram("nothing", join(dir.path, "b"), "/")).toEqual({ ok: false, code: "ENOENT" });
    expect(resolveProgram("tool", undefined, dir.path)).toEqual({ ok: false, code: "ENOENT" });
  });

  it("a word with a slash is a path from the working directory; an empty PATH entry is the working directory", () => {
    expect(resolveProgram("./here", "/nonexistent", dir.path)).toEqual({ ok: true, path: join(dir.path, "here") });
    expect(resolveProgram("here", ":/nonexistent", dir.path)).toEqual({ ok: true, path: join(dir.path, "here") });
    expect(resolveProgram("here", "/nonexistent", dir.path)).toEqual({ ok: false, code: "ENOENT" });
  });
});
