// An answer a caching agent (`secr-run serve --upstream`) gave from its cache because upstream
// secr failed: the header holds the seconds since upstream last confirmed it
// (docs/design/wire-contract.md, "Stale answers from an agent").
export const STALE_HEADER = "secr-stale";

/** Whole seconds ≥ 0, or undefined when the header is absent or not a number. */
export function parseStale(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
