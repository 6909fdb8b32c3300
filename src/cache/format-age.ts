// A snapshot's age for humans, in the two largest units ("3h 12m", "2d 4h"). Pure.

const UNITS: [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

export function formatAge(ageMs: number): string {
  if (ageMs < 0) return `${formatAge(-ageMs)} in the future`;
  const parts: string[] = [];
  let rest = Math.floor(ageMs);
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    // Once a larger unit is shown, the next one is shown even when 0 ("1d 0h") for a steady shape.
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.length === 0 ? "0s" : parts.join(" ");
}
