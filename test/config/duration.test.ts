import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/config/duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["10s", 10_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["7d", 604_800_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1_500],
    [" 30s ", 30_000],
    ["0", 0],
  ])("%s -> %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "10", "1.5", "s", "10x", "10 s", "-5s", "5s-", "1e3ms", "ten seconds"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeInstanceOf(Error);
  });

  it("asks for a unit when given a bare number", () => {
    expect((parseDuration("10") as Error).message).toMatch(/no unit.*10s or 10ms/);
  });
});

describe("formatDuration", () => {
  it.each([
    [500, "500ms"],
    [1_500, "1.5s"],
    [120_000, "2m"],
    [5_400_000, "1.5h"],
    [172_800_000, "2d"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
