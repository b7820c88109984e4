/**
 * A set of pod classes as sorted runs of consecutive ids: the compact form of a reach rule's peers when they
 * are wide but made of long runs. Classes are numbered namespace by namespace, so the peers of a rule that
 * selects whole namespaces (a namespaceSelector with an empty or absent podSelector) are a few runs spanning
 * most of the class space: at W3's 100k classes such a set is ~120 runs (1 KB) against 12.5 KB of words,
 * and the two sides of a diff hold ~8,000 of them each.
 *
 * Only what the readers of reach rules ask of their peers, each against a plain Bitset (a rule's subjects, a
 * chunk of classes: narrow sets): membership, the next member, whether they meet, the intersection, and
 * whether they hold all of it. Immutable.
 */
import { Bitset } from './bitset.js';

/** A reach rule's peers: plain words, or runs when those are at most half the size (peerSet below). */
export type PeerSet = Bitset | RunSet;

/**
 * How reach rules store their peers. `auto` (default): runs where they take at most half the memory of the
 * words. `runs`/`words`: always that form, so that tests cover both at any scale (the results are the same).
 */
export type PeerSetForm = 'auto' | 'runs' | 'words';

export class RunSet {
  private constructor(
    /** Run r covers ids bounds[2r] .. bounds[2r + 1] - 1; runs are sorted, disjoint and not adjacent. */
    private readonly bounds: Int32Array,
  ) {}

  static fromBitset(b: Bitset): RunSet {
    const runs: number[] = [];
    let from = b.nextSetBit(0);
    while (from >= 0) {
      const end = b.nextClearBit(from);
      runs.push(from, end);
      from = b.nextSetBit(end);
    }
    return new RunSet(Int32Array.from(runs));
  }

  /** The number of runs of a Bitset (what fromBitset would store), counted without building them. */
  static runCount(b: Bitset): number {
    let runs = 0;
    let prev = 0;
    const { words } = b;
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      // a run starts at each set bit whose lower neighbour (the previous word's top bit for bit 0) is clear
      runs += popcount(word & ~((word << 1) | prev));
      prev = word >>> 31;
    }
    return runs;
  }

  get isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  get runs(): number {
    return this.bounds.length >> 1;
  }

  get size(): number {
    let n = 0;
    for (let r = 0; r < this.bounds.length; r += 2) n += this.bounds[r + 1]! - this.bounds[r]!;
    return n;
  }

  /** The first run whose end lies after id i (its index times 2), or bounds.length when none does. */
  private runEndingAfter(i: number): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[2 * mid + 1]! > i) hi = mid;
      else lo = mid + 1;
    }
    return 2 * lo;
  }

  has(i: number): boolean {
    const r = this.runEndingAfter(i);
    return r < this.bounds.length && this.bounds[r]! <= i;
  }

  /** The smallest member ≥ from, or -1. */
  nextSetBit(from: number): number {
    const r = this.runEndingAfter(from);
    if (r >= this.bounds.length) return -1;
    return Math.max(from, this.bounds[r]!);
  }

  /** Calls fn(first, end) for each run, in order. */
  forEachRun(fn: (first: number, end: number) => void): void {
    for (let r = 0; r < this.bounds.length; r += 2) fn(this.bounds[r]!, this.bounds[r + 1]!);
  }

  /** Whether some id of o is a member. */
  intersects(o: Bitset): boolean {
    return this.someWord(o, true);
  }

  /** Whether every id of o is a member. */
  contains(o: Bitset): boolean {
    return !this.someWord(o, false);
  }

  /** Whether some word of o has a bit inside the runs (`inside`), or outside them. One walk over the runs. */
  private someWord(o: Bitset, inside: boolean): boolean {
    const b = this.bounds;
    const words = o.words;
    let r = this.runEndingAfter(o.offset << 5);
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      if (!word) continue;
      const lo = (o.offset + w) << 5;
      while (r < b.length && b[r + 1]! <= lo) r += 2;
      // past the last run no bit is inside: intersects has its answer (contains reads on: this word is outside)
      if (inside && r >= b.length) return false;
      const mask = maskAt(b, r, lo);
      if (inside ? word & mask : word & ~mask) return true;
    }
    return false;
  }

  /** The members among o's ids, as a Bitset (within o's span). */
  and(o: Bitset): Bitset {
    const b = this.bounds;
    const words = o.words;
    let out: Uint32Array | undefined;
    let r = this.runEndingAfter(o.offset << 5);
    for (let w = 0; w < words.length && r < b.length; w++) {
      const word = words[w]!;
      if (!word) continue;
      const lo = (o.offset + w) << 5;
      while (r < b.length && b[r + 1]! <= lo) r += 2;
      const kept = word & maskAt(b, r, lo);
      if (kept) (out ??= new Uint32Array(words.length))[w] = kept;
    }
    return out ? Bitset.fromWords(o.offset, out) : Bitset.EMPTY;
  }
}

/** The bits of the word of ids lo .. lo + 31 that runs r, r + 1, ... (the first ending after lo) cover. */
function maskAt(b: Int32Array, r: number, lo: number): number {
  const hi = lo + 32;
  let mask = 0;
  for (let k = r; k < b.length && b[k]! < hi; k += 2) {
    const from = Math.max(b[k]!, lo) - lo;
    const to = Math.min(b[k + 1]!, hi) - lo;
    mask |= to - from === 32 ? -1 : ((1 << (to - from)) - 1) << from;
  }
  return mask;
}

/** A rule's peers in the form asked for (`auto`: runs when they take at most half the bytes of the words). */
export function peerSet(b: Bitset, form: PeerSetForm = 'auto'): PeerSet {
  if (form === 'words') return b;
  if (form === 'runs') return RunSet.fromBitset(b);
  // 8 bytes a run against 4 a word
  return 4 * RunSet.runCount(b) <= b.words.length ? RunSet.fromBitset(b) : b;
}

function popcount(w: number): number {
  w = w - ((w >>> 1) & 0x55555555);
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
