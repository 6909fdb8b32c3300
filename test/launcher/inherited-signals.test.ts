// Reading the launcher's SigIgn mask, and the trampoline that re-applies it (docs/design/process-model.md,
// "Ignored signals").
import { describe, expect, it } from "vitest";
import { withIgnoredSignals, type ChildCommand } from "../../src/supervise/command.js";
import { parseSigIgn, takeInheritedIgnored } from "../../src/supervise/inherited-signals.js";

describe("parseSigIgn", () => {
  it("lists the signals whose bits are set", () => {
    expect(parseSigIgn("0000000000000001")).toEqual([1]); // HUP (nohup)
    expect(parseSigIgn("0000000000001801")).toEqual([1, 12, 13]); // HUP USR2 PIPE
    expect(parseSigIgn("0000000000000000")).toEqual([]);
  });

  it("leaves out KILL, STOP and real-time signals", () => {
    expect(parseSigIgn("ffffffff00040100")).toEqual([]); // 9, 19, 33..64
  });

  it("anything but 16 hex digits is 'unknown'", () => {
    for (const value of [undefined, "", "1", "000000000000000g", "0x00000000000001", "0000000000000001\n"]) {
      expect(parseSigIgn(value), String(value)).toBeUndefined();
    }
  });

  it("takes the variable out of the environment", () => {
    const env: NodeJS.ProcessEnv = { SECR_RUN_SIGIGN: "0000000000000001", KEEP: "1" };
    expect(takeInheritedIgnored(env)).toEqual([1]);
    expect(env).toEqual({ KEEP: "1" });
  });
});

describe("withIgnoredSignals", () => {
  const command: ChildCommand = { file: "node", args: ["server.js", "a b", "$HOME"], shell: false, env: { A: "1" } };

  it("nothing to ignore: the command unchanged (no extra exec)", () => {
    expect(withIgnoredSignals(command, [])).toBe(command);
  });

  it("a program: /bin/sh traps, then execs it with argv untouched", () => {
    expect(withIgnoredSignals(command, [1, 12])).toEqual({
      file: "/bin/sh",
      args: ["-c", `trap '' 1 12; exec "$0" "$@"`, "node", "server.js", "a b", "$HOME"],
      shell: false,
      env: { A: "1" },
    });
  });

  it("SEGV and CHLD alone: unchanged (/bin/sh will not ignore them)", () => {
    expect(withIgnoredSignals(command, [11, 17])).toBe(command);
    expect(withIgnoredSignals(command, [1, 11]).args[1]).toBe(`trap '' 1; exec "$0" "$@"`);
  });

  it("a --command string: the trap goes in front, same line", () => {
    expect(withIgnoredSignals({ file: "echo hi | wc -c", args: [], shell: true, env: {} }, [1])).toEqual({
      file: "trap '' 1; echo hi | wc -c",
      args: [],
      shell: true,
      env: {},
    });
  });
});
