// Durations as people write them on a command line: `10s`, `500ms`, `2m`, `1h30m`, `1.5s`, `7d`.
// A bare number is refused (except 0): `--timeout 10` could mean seconds or milliseconds, and
// guessing wrong turns a 10 s timeout into a 10 ms one.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Milliseconds for a duration string, or an Error saying what is wrong with it. */
export function parseDuration(text: string): number | Error {
  const input = text.trim();
  if (input === "0") return 0;
  if (input === "") return new Error("empty duration");
  if (/^\d+(?:\.\d+)?$/.test(input)) {
    return new Error(`"${input}" has no unit (write e.g. ${input}s or ${input}ms)`);
  }
  let total = 0;
  PART.lastIndex = 0;
  let parts = 0;
  while (PART.lastIndex < input.length) {
    const match = PART.exec(input);
    if (!match) return new Error(`"${input}" is not a duration (e.g. 500ms, 10s, 2m, 1h30m, 7d)`);
    total += Number(match[1]) * (UNIT_MS[match[2]!] ?? Number.NaN);
    parts += 1;
  }
  if (parts === 0 || !Number.isFinite(total)) return new Error(`"${input}" is not a duration`);
  return Math.round(total);
}

/** `1500` -> `1.5s`, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))}m`;
  if (ms < 86_400_000) return `${Number((ms / 3_600_000).toFixed(1))}h`;
  return `${Number((ms / 86_400_000).toFixed(1))}d`;
}
