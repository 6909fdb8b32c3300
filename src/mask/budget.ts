// How much --mask may build. The automaton costs memory and CPU per trie state (one per distinct
// prefix of the patterns), and each value has many forms (patterns.ts): without a bound, a
// large answer became gigabytes (docs/delivery.md, "Masking", has the measurements). Pure.
import type { MaskPattern } from "./patterns.js";

/** 2 Mi states: about 60 MiB of automaton at its peak, built in about a second. */
export const MAX_MASK_STATES = 2 * 1024 * 1024;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The states of the patterns' trie, counted without building it: over the sorted patterns,
 *  each adds what it does not share with the one before. */
export function trieStates(patterns: readonly MaskPattern[]): number {
  const sorted = patterns.map((p) => p.bytes).sort(compareBytes);
  let states = 1;
  let previous: Uint8Array = new Uint8Array(0);
  for (const bytes of sorted) {
    let common = 0;
    while (common < bytes.length && common < previous.length && bytes[common] === previous[common]) common++;
    states += bytes.length - common;
    previous = bytes;
  }
  return states;
}

/** undefined when the patterns may be built; otherwise the one-line reason (sizes, never a value). */
export function maskTooLarge(patterns: readonly MaskPattern[], limit = MAX_MASK_STATES): string | undefined {
  const states = trieStates(patterns);
  if (states <= limit) return undefined;
  return `--mask: the injected values in every form masked need ${states} automaton states (${patterns.length} patterns), more than the ${limit} secr-run builds; the command was not started: inject fewer or smaller secrets (--only) or run without --mask`;
}
