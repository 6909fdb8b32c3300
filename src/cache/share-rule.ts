// May a run start from a fetch another secr-run made, without asking secr itself? Pure.
// The rule (docs/design/insights.md, "One fetch for many runs"): a run never uses a fetch that began
// before the run itself was launched, so a run launched after a change, a revocation or an
// outage always asks secr. An explicit --share-window widens that to fetches begun at most that
// long before the launch: values and revocations up to that late.

export interface ShareFacts {
  /** When the shared fetch began (epoch ms); undefined: unknown (a snapshot of an older version). */
  fetchStartedAt: number | undefined;
  /** When the fetch's result was written (epoch ms). */
  fetchedAt: number;
  /** When this run was launched (epoch ms, its process start). */
  launchedAt: number;
  /** --share-window: 0 unless given. */
  windowMs: number;
  now: number;
}

export type ShareVerdict =
  | { share: true; /** How long before this run's launch the fetch began (≤ 0: after it). */ beforeLaunchMs: number }
  | { share: false; why: "unknown-start" | "future" | "before-launch" };

export function mayShare({ fetchStartedAt, fetchedAt, launchedAt, windowMs, now }: ShareFacts): ShareVerdict {
  if (fetchStartedAt === undefined) return { share: false, why: "unknown-start" };
  // Dated after this moment: written under another clock (a clock stepped back, another host
  // sharing the directory), so its real age is unknown.
  if (fetchStartedAt > now || fetchedAt > now || fetchStartedAt > fetchedAt) return { share: false, why: "future" };
  const beforeLaunchMs = launchedAt - fetchStartedAt;
  return beforeLaunchMs <= windowMs ? { share: true, beforeLaunchMs } : { share: false, why: "before-launch" };
}
