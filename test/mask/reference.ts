// A deliberately naive redactor for comparison: every occurrence by indexOf over the whole
// output, then the same greedy cover (leftmost first, longest among equals).
import type { MaskPattern } from "../../src/mask/patterns.js";

export function referenceRedact(input: Buffer, patterns: readonly MaskPattern[]): Buffer {
  const matches: Array<{ start: number; end: number; key: string }> = [];
  patterns.forEach((p) => {
    const needle = Buffer.from(p.bytes);
    for (let at = input.indexOf(needle); at !== -1; at = input.indexOf(needle, at + 1)) {
      matches.push({ start: at, end: at + needle.length, key: p.key });
    }
  });
  // Per end position only the longest match counts (shorter ones lie inside it); equal
  // patterns: the first given.
  const byEnd = new Map<number, { start: number; end: number; key: string }>();
  for (const m of matches) {
    const seen = byEnd.get(m.end);
    if (seen === undefined || m.start < seen.start) byEnd.set(m.end, m);
  }
  const chosen = [...byEnd.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Buffer[] = [];
  let cursor = 0;
  let last = { end: -1, key: "" };
  for (const m of chosen) {
    if (m.end <= cursor) continue;
    if (m.start > cursor) out.push(input.subarray(cursor, m.start));
    // Overlapping the label just written, same key: one label for both.
    if (!(m.start <= cursor && last.end === cursor && last.key === m.key)) out.push(Buffer.from(`[secr:${m.key}]`));
    cursor = m.end;
    last = m;
  }
  out.push(input.subarray(cursor));
  return Buffer.concat(out);
}
