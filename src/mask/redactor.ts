// The streaming redactor's core: bytes in, bytes out with every pattern replaced by its label.
// Pure (no timers, no streams); stream.ts adds the idle flush. See docs/design/delivery.md ("Masking").
//
// Output is decided as late as needed and no later: a byte is released once no match that is
// still to come can cover it, i.e. once it lies before the longest suffix of the input that a
// pattern could still extend (the automaton's hold length). So at most the longest pattern minus
// one byte is held back. Overlapping matches are covered greedily, leftmost first and longest
// among equals; a match that starts inside an earlier label extends it (same key) or gets a label
// for its remainder (another key), so no byte of any match is ever released in clear.
import { type Automaton, buildAutomaton, nextState } from "./automaton.js";
import type { MaskPattern } from "./patterns.js";

interface Match {
  start: number;
  end: number;
  pattern: number;
}

const EMPTY = Buffer.alloc(0);

/** The patterns built once: immutable, shared by every Redactor of a run (stdout and stderr). */
export interface CompiledMask {
  readonly automaton: Automaton;
  readonly labels: readonly Buffer[];
  readonly keys: readonly string[];
}

/** `denseCells` is the automaton's memory knob (tests use a tiny one to exercise the sparse path). */
export function compileMask(patterns: readonly MaskPattern[], denseCells?: number): CompiledMask {
  return {
    automaton: buildAutomaton(
      patterns.map((p) => p.bytes),
      denseCells,
    ),
    labels: patterns.map((p) => Buffer.from(`[secr:${p.key}]`)),
    keys: patterns.map((p) => p.key),
  };
}

export class Redactor {
  private readonly automaton: Automaton;
  private readonly labels: readonly Buffer[];
  private readonly keys: readonly string[];
  /** Where the last label released ended, and whose it was: a match of the same key that
   *  overlaps it extends it instead of adding a label ("aaaaaaaa" is one label, not three). */
  private labelEnd = -1;
  private labelKey = "";
  private state = 0;
  /** Stream offset just past the last byte scanned. */
  private scanned = 0;
  /** Stream offset up to which output has been released; `held` holds [released, scanned). */
  private released = 0;
  private held: Buffer = EMPTY;
  private pending: Match[] = [];

  /** Patterns (compiled here) or a mask compiled once for several redactors. */
  constructor(patterns: readonly MaskPattern[] | CompiledMask, denseCells?: number) {
    const compiled = Array.isArray(patterns)
      ? compileMask(patterns as readonly MaskPattern[], denseCells)
      : (patterns as CompiledMask);
    this.automaton = compiled.automaton;
    this.labels = compiled.labels;
    this.keys = compiled.keys;
  }

  /** The most bytes write() can hold back. */
  get maxHeld(): number {
    return Math.max(0, this.automaton.longestPattern - 1);
  }

  /** Bytes received but not yet released. */
  get heldLength(): number {
    return this.held.length;
  }

  /** Scan one chunk; returns what can be released now (possibly empty). */
  write(chunk: Uint8Array): Buffer {
    if (chunk.length === 0) return EMPTY;
    this.scan(chunk);
    const input =
      this.held.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
        : Buffer.concat([this.held, chunk]);
    return this.release(input, this.scanned - this.automaton.holdLength[this.state]!);
  }

  /** Release everything held (idle or end of stream). The automaton keeps its state: a value
   *  split by the flush still has the rest of it masked. */
  flush(): Buffer {
    return this.release(this.held, this.scanned);
  }

  private scan(chunk: Uint8Array): void {
    const { dense, denseCount, classCount, byteClass, matchLength } = this.automaton;
    let state = this.state;
    const base = this.scanned;
    for (let i = 0; i < chunk.length; i++) {
      const cls = byteClass[chunk[i]!]!;
      if (cls === 0) {
        state = 0;
        continue;
      }
      state = state < denseCount ? dense[state * classCount + cls]! : nextState(this.automaton, state, chunk[i]!);
      const length = matchLength[state]!;
      if (length !== 0)
        this.pending.push({
          start: base + i + 1 - length,
          end: base + i + 1,
          pattern: this.automaton.matchPattern[state]!,
        });
    }
    this.state = state;
    this.scanned = base + chunk.length;
  }

  /** `input` holds [released, scanned). Release up to `limit`, and further where a label
   *  covers a match that reaches past it. */
  private release(input: Buffer, limit: number): Buffer {
    const origin = this.released;
    let cursor = origin;
    const pieces: Buffer[] = [];
    if (this.pending.length > 0) {
      const decided: Match[] = [];
      const undecided: Match[] = [];
      for (const match of this.pending) (match.start < limit ? decided : undecided).push(match);
      decided.sort((a, b) => a.start - b.start || b.end - a.end);
      for (const match of decided) {
        if (match.end <= cursor) continue; // inside a label already
        const key = this.keys[match.pattern]!;
        if (match.start > cursor) pieces.push(input.subarray(cursor - origin, match.start - origin));
        if (!(match.start <= cursor && cursor === this.labelEnd && key === this.labelKey))
          pieces.push(this.labels[match.pattern]!);
        cursor = this.labelEnd = match.end;
        this.labelKey = key;
      }
      this.pending = undecided;
    }
    if (cursor < limit) {
      pieces.push(input.subarray(cursor - origin, limit - origin));
      cursor = limit;
    }
    if (this.pending.length > 0) this.pending = this.pending.filter((match) => match.end > cursor);
    this.released = cursor;
    // Copy the (short) tail: a view would keep the whole chunk alive.
    this.held = cursor === this.scanned ? EMPTY : Buffer.from(input.subarray(cursor - origin));
    return pieces.length === 0 ? EMPTY : pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }
}
