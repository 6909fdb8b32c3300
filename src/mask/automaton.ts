// Aho–Corasick over bytes (docs/design/delivery.md, "Masking"). Pure.
//
// States are numbered breadth-first, so a state's failure link always points to a smaller
// number and a state's children are consecutive numbers. The first states (the shallow ones,
// where a scan spends nearly all its time) get a dense transition row over byte classes; deeper
// states keep only their children and fall back along failure links to a dense state. That
// bounds memory for thousands of patterns while the hot loop stays one table lookup per byte.
// The trie is built from the sorted patterns (shared prefixes are adjacent): no hash table.

export interface Automaton {
  /** Dense rows: `dense[state * classCount + byteClass[b]]` for `state < denseCount`. */
  readonly dense: Int32Array;
  readonly denseCount: number;
  readonly classCount: number;
  /** Byte -> class; class 0 is every byte that occurs in no pattern (always back to the root). */
  readonly byteClass: Uint16Array;
  readonly fail: Int32Array;
  /** A state's children are `firstChild[s] .. firstChild[s] + childCount[s] - 1`. */
  readonly firstChild: Int32Array;
  readonly childCount: Int32Array;
  /** The byte on the edge into each state. */
  readonly inByte: Uint8Array;
  /** Length of the longest pattern that ends in this state (0: none), and its index. */
  readonly matchLength: Int32Array;
  readonly matchPattern: Int32Array;
  /** Length of the longest suffix of this state's text that a longer pattern could still
   *  extend: no match still to come can start further back than this. */
  readonly holdLength: Int32Array;
  readonly longestPattern: number;
}

/** Dense cells allowed (4 bytes each); beyond it deeper states are sparse. */
const DEFAULT_DENSE_CELLS = 1 << 18;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function buildAutomaton(patterns: readonly Uint8Array[], denseCells = DEFAULT_DENSE_CELLS): Automaton {
  let longestPattern = 0;
  let capacity = 1;
  for (const pattern of patterns) {
    if (pattern.length === 0) throw new RangeError("empty pattern");
    longestPattern = Math.max(longestPattern, pattern.length);
    capacity += pattern.length;
  }

  // 1. The trie in insertion order, from the sorted patterns (stable: among equal patterns the
  //    first given names the match). Children are appended in byte order.
  const sorted = patterns.map((_, i) => i).sort((a, b) => compareBytes(patterns[a]!, patterns[b]!));
  const tParent = new Int32Array(capacity);
  const tByte = new Uint8Array(capacity);
  const tTerminal = new Int32Array(capacity).fill(-1);
  const tFirst = new Int32Array(capacity).fill(-1);
  const tLast = new Int32Array(capacity).fill(-1);
  const tNext = new Int32Array(capacity).fill(-1);
  const path = new Int32Array(longestPattern + 1); // states along the previous pattern
  let n = 1;
  let previous: Uint8Array = new Uint8Array(0);
  for (const index of sorted) {
    const pattern = patterns[index]!;
    let common = 0;
    while (common < pattern.length && common < previous.length && pattern[common] === previous[common]) common++;
    for (let d = common; d < pattern.length; d++) {
      const parent = path[d]!;
      const child = n++;
      tParent[child] = parent;
      tByte[child] = pattern[d]!;
      if (tLast[parent] === -1) tFirst[parent] = child;
      else tNext[tLast[parent]!] = child;
      tLast[parent] = child;
      path[d + 1] = child;
    }
    const end = path[pattern.length]!;
    if (tTerminal[end] === -1) tTerminal[end] = index;
    previous = pattern;
  }

  // 2. Breadth-first numbering: children of one state become consecutive.
  const order = new Int32Array(n);
  const rank = new Int32Array(n);
  for (let head = 0, tail = 1; head < tail; head++) {
    for (let c = tFirst[order[head]!]!; c !== -1; c = tNext[c]!) order[tail++] = c;
  }
  order.forEach((old, i) => (rank[old] = i));
  const inByte = new Uint8Array(n);
  const parent = new Int32Array(n);
  const depth = new Int32Array(n);
  const terminal = new Int32Array(n);
  const firstChild = new Int32Array(n);
  const childCount = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const old = order[s]!;
    inByte[s] = tByte[old]!;
    terminal[s] = tTerminal[old]!;
    if (s !== 0) {
      parent[s] = rank[tParent[old]!]!;
      depth[s] = depth[parent[s]!]! + 1;
      childCount[parent[s]!]!++;
    }
    firstChild[s] = tFirst[old] === -1 ? -1 : rank[tFirst[old]!]!;
  }

  // 3. Byte classes: one per byte that occurs in a pattern.
  const byteClass = new Uint16Array(256);
  let classCount = 1;
  for (let s = 1; s < n; s++) if (byteClass[inByte[s]!] === 0) byteClass[inByte[s]!] = classCount++;

  // 4. Failure links, match outputs and hold lengths, in state order (parents first).
  const rootChild = new Int32Array(256).fill(-1);
  for (let c = 0; c < childCount[0]!; c++) rootChild[inByte[firstChild[0]! + c]!] = firstChild[0]! + c;
  const child = (state: number, byte: number): number => {
    if (state === 0) return rootChild[byte]!;
    for (let c = firstChild[state]!, end = c + childCount[state]!; c < end; c++) if (inByte[c] === byte) return c;
    return -1;
  };
  const fail = new Int32Array(n);
  const matchLength = new Int32Array(n);
  const matchPattern = new Int32Array(n).fill(-1);
  const holdLength = new Int32Array(n);
  for (let s = 1; s < n; s++) {
    if (parent[s] !== 0) {
      for (let f = fail[parent[s]!]!; ; f = fail[f]!) {
        const g = child(f, inByte[s]!);
        if (g !== -1) {
          fail[s] = g;
          break;
        }
        if (f === 0) break; // fail[s] = 0
      }
    }
    if (terminal[s]! >= 0) {
      matchLength[s] = depth[s]!;
      matchPattern[s] = terminal[s]!;
    } else {
      matchLength[s] = matchLength[fail[s]!]!;
      matchPattern[s] = matchPattern[fail[s]!]!;
    }
    holdLength[s] = childCount[s]! > 0 ? depth[s]! : holdLength[fail[s]!]!;
  }
  holdLength[0] = 0;

  // 5. Dense rows for the shallow states (a row starts as its failure state's row).
  const denseCount = Math.max(1, Math.min(n, Math.floor(denseCells / classCount)));
  const dense = new Int32Array(denseCount * classCount);
  for (let s = 0; s < denseCount; s++) {
    const row = s * classCount;
    // Native copy: this runs once per run, cold, where a JS loop would still be interpreted.
    if (s !== 0) dense.copyWithin(row, fail[s]! * classCount, fail[s]! * classCount + classCount);
    for (let c = firstChild[s]!, end = c + childCount[s]!; c < end; c++) dense[row + byteClass[inByte[c]!]!] = c;
  }
  return {
    dense,
    denseCount,
    classCount,
    byteClass,
    fail,
    firstChild,
    childCount,
    inByte,
    matchLength,
    matchPattern,
    holdLength,
    longestPattern,
  };
}

/** One transition. The scan loop inlines the dense case; this is the whole rule. */
export function nextState(a: Automaton, state: number, byte: number): number {
  const cls = a.byteClass[byte]!;
  if (cls === 0) return 0;
  while (state >= a.denseCount) {
    for (let c = a.firstChild[state]!, end = c + a.childCount[state]!; c < end; c++) if (a.inByte[c] === byte) return c;
    state = a.fail[state]!;
  }
  return a.dense[state * a.classCount + cls]!;
}
