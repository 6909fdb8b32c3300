import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isForegroundProcessGroup, parseProcStat } from "../../src/supervise/foreground.js";

describe("parseProcStat", () => {
  it("reads state, pgrp and tpgid after the command name", () => {
    expect(parseProcStat("4242 (node) S 4200 4242 4200 34816 4242 4194304 0 0")).toEqual({
      state: "S",
      pgrp: 4242,
      tpgid: 4242,
    });
  });

  it("copes with spaces and parentheses in the command name", () => {
    expect(parseProcStat("77 (my (odd) prog) S 1 70 70 0 -1 4194560 0")).toEqual({ state: "S", pgrp: 70, tpgid: -1 });
  });

  it("rejects text that is not a stat line", () => {
    expect(parseProcStat("garbage")).toBeUndefined();
    expect(parseProcStat("1 (x) S")).toBeUndefined();
  });
});

describe.skipIf(process.platform !== "linux")("isForegroundProcessGroup on Linux", () => {
  it("agrees with this process's own /proc/self/stat", () => {
    const ids = parseProcStat(readFileSync("/proc/self/stat", "utf8"))!;
    expect(isForegroundProcessGroup()).toBe(ids.tpgid === ids.pgrp);
  });
});
