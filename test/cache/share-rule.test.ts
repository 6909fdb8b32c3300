// The rule of one fetch for many runs (src/cache/share-rule.ts, docs/design/insights.md).
import { describe, expect, it } from "vitest";
import { mayShare } from "../../src/cache/share-rule.js";

const launchedAt = 1_700_000_000_000;
const now = launchedAt + 2_000;
const facts = (fetchStartedAt: number | undefined, windowMs = 0, fetchedAt = (fetchStartedAt ?? launchedAt) + 100) => ({
  fetchStartedAt,
  fetchedAt,
  launchedAt,
  windowMs,
  now,
});

describe("mayShare", () => {
  it("a fetch begun at or after the launch is shared; one begun a millisecond before is not", () => {
    expect(mayShare(facts(launchedAt + 500))).toEqual({ share: true, beforeLaunchMs: -500 });
    expect(mayShare(facts(launchedAt))).toEqual({ share: true, beforeLaunchMs: 0 });
    expect(mayShare(facts(launchedAt - 1))).toEqual({ share: false, why: "before-launch" });
  });

  it("an explicit window admits fetches begun up to that long before the launch", () => {
    expect(mayShare(facts(launchedAt - 5_000, 5_000))).toEqual({ share: true, beforeLaunchMs: 5_000 });
    expect(mayShare(facts(launchedAt - 5_001, 5_000))).toEqual({ share: false, why: "before-launch" });
  });

  it("a fetch dated in the future (a clock stepped back, another host) is never shared, whatever the window", () => {
    expect(mayShare(facts(now + 1, 600_000))).toEqual({ share: false, why: "future" });
    expect(mayShare(facts(launchedAt, 600_000, now + 1))).toEqual({ share: false, why: "future" });
    expect(mayShare(facts(launchedAt + 10, 600_000, launchedAt + 5))).toEqual({ share: false, why: "future" });
  });

  it("a snapshot without a fetch start (written by an older version) is never shared", () => {
    expect(mayShare(facts(undefined, 600_000))).toEqual({ share: false, why: "unknown-start" });
  });
});
