/**
 * Immutable bitsets that store only the span of words between their lowest and highest set bit, so sets
 * local to a namespace (classes are numbered namespace by namespace) stay small and fast to combine.
 */

export class Bitset {
  private constructor(
    /** Index of the first stored word. */
    readonly offset: number,
    readonly words: Uint32Array,
  ) {}

  static readonly EMPTY = new Bitset(0, new Uint32Array(0));

  /** A set over words already trimmed (no zero word at either end), taken as they are: no copy. */
  static view(offset: number, words: Uint32Array): Bitset {
    return words.length ? new Bitset(offset, words) : Bitset.EMPTY;
  }

  static fromIndexes(indexes: Iterable<number>): Bitset {
    let min = Infinity;
    let max = -1;
    // an array is read twice in place; any other iterable is copied once
    const list: readonly number[] = Array.isArray(indexes) ? indexes : [...indexes];
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if (i < min) min = i;
      if (i > max) max = i;
    }
    if (max < 0) return Bitset.EMPTY;
    const offset = Math.floor(min / 32);
    const words = new Uint32Array(Math.floor(max / 32) - offset + 1);
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      words[(i >> 5) - offset]! |= 1 << (i & 31);
    }
    return new Bitset(offset, words);
  }

  /** The union of several sets in one pass over their words. */
  static union(sets: readonly Bitset[]): Bitset {
    if (sets.length === 1) return sets[0]!;
    if (sets.length === 2) return sets[0]!.or(sets[1]!);
    let lo = Infinity;
    let hi = 0;
    for (const s of sets) {
      if (s.isEmpty) continue;
      lo = Math.min(lo, s.offset);
      hi = Math.max(hi, s.offset + s.words.length);
    }
    if (hi === 0) return Bitset.EMPTY;
    const out = new Uint32Array(hi - lo);
    for (const s of sets) {
      const base = s.offset - lo;
      for (let i = 0; i < s.words.length; i++) out[base + i]! |= s.words[i]!;
    }
    return new Bitset(lo, out);
  }

  /** The union of ranges [from, to), in one allocation (a namespace selector's classes: one range per namespace). */
  static fromRanges(ranges: readonly (readonly [number, number])[]): Bitset {
    let lo = Infinity;
    let hi = -Infinity;
    for (const [from, to] of ranges) {
      if (to <= from) continue;
      if (from < lo) lo = from;
      if (to > hi) hi = to;
    }
    if (hi === -Infinity) return Bitset.EMPTY;
    const offset = lo >> 5;
    const words = new Uint32Array(((hi - 1) >> 5) - offset + 1);
    for (const [from, to] of ranges) {
      if (to <= from) continue;
      const first = (from >> 5) - offset;
      const last = ((to - 1) >> 5) - offset;
      const head = (0xffffffff << (from & 31)) >>> 0;
      const tail = to & 31 ? 0xffffffff >>> (32 - (to & 31)) : 0xffffffff;
      if (first === last) words[first]! |= head & tail;
      else {
        words[first]! |= head;
        for (let w = first + 1; w < last; w++) words[w] = 0xffffffff;
        words[last]! |= tail;
      }
    }
    return new Bitset(offset, words);
  }

  /** Bits [from, to) set. */
  static range(from: number, to: number): Bitset {
    if (to <= from) return Bitset.EMPTY;
    const offset = from >> 5;
    const last = (to - 1) >> 5;
    const words = new Uint32Array(last - offset + 1).fill(0xffffffff);
    words[0]! &= (0xffffffff << (from & 31)) >>> 0;
    const endBits = to & 31;
    if (endBits) words[words.length - 1]! &= (0xffffffff >>> (32 - endBits)) >>> 0;
    return new Bitset(offset, words);
  }

  /** Builds from a dense word array (trimmed). */
  static fromWords(offset: number, words: Uint32Array): Bitset {
    let lo = 0;
    let hi = words.length;
    while (lo < hi && words[lo] === 0) lo++;
    while (hi > lo && words[hi - 1] === 0) hi--;
    if (lo === hi) return Bitset.EMPTY;
    return new Bitset(offset + lo, lo === 0 && hi === words.length ? words : words.slice(lo, hi));
  }

  get isEmpty(): boolean {
    return this.words.length === 0;
  }

  has(i: number): boolean {
    const w = (i >> 5) - this.offset;
    return w >= 0 && w < this.words.length && (this.words[w]! & (1 << (i & 31))) !== 0;
  }

  get size(): number {
    let n = 0;
    for (let w of this.words) {
      w = w - ((w >>> 1) & 0x55555555);
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      n += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  and(o: Bitset): Bitset {
    const a = this.words;
    const b = o.words;
    const da = this.offset;
    const db = o.offset;
    let lo = Math.max(da, db);
    let hi = Math.min(da + a.length, db + b.length);
    // the result's span first, so it is allocated once (a few classes out of two wide sets: a few words)
    while (lo < hi && (a[lo - da]! & b[lo - db]!) === 0) lo++;
    while (hi > lo && (a[hi - 1 - da]! & b[hi - 1 - db]!) === 0) hi--;
    if (hi <= lo) return Bitset.EMPTY;
    const out = new Uint32Array(hi - lo);
    for (let w = lo; w < hi; w++) out[w - lo] = a[w - da]! & b[w - db]!;
    return new Bitset(lo, out);
  }

  /** The bits below n (a copy of the words up to n, not a word-by-word AND; `this` when all are below). */
  below(n: number): Bitset {
    const end = (n + 31) >> 5;
    if (this.offset + this.words.length <= n >> 5) return this;
    if (this.offset >= end) return Bitset.EMPTY;
    // nothing at or above n, though the last word straddles it (n not a multiple of 32): no copy
    if (this.nextSetBit(n) < 0) return this;
    const k = Math.min(this.words.length, end - this.offset);
    const out = this.words.slice(0, k);
    if (n & 31 && this.offset + k === end) out[k - 1]! &= 2 ** (n & 31) - 1;
    return Bitset.fromWords(this.offset, out);
  }

  /** Whether every bit of o is in this set (o.isSubsetOf(this): the form a RunSet answers too). */
  contains(o: Bitset): boolean {
    return o.isSubsetOf(this);
  }

  /** Whether every bit of this set is in o. */
  isSubsetOf(o: Bitset): boolean {
    const end = this.offset + this.words.length;
    const oEnd = o.offset + o.words.length;
    for (let w = this.offset; w < end; w++) {
      const mine = this.words[w - this.offset]!;
      if (mine === 0) continue;
      if (w < o.offset || w >= oEnd || (mine & ~o.words[w - o.offset]!) !== 0) return false;
    }
    return true;
  }

  intersects(o: Bitset): boolean {
    const lo = Math.max(this.offset, o.offset);
    const hi = Math.min(this.offset + this.words.length, o.offset + o.words.length);
    for (let w = lo; w < hi; w++) if (this.words[w - this.offset]! & o.words[w - o.offset]!) return true;
    return false;
  }

  or(o: Bitset): Bitset {
    if (o.isEmpty) return this;
    if (this.isEmpty) return o;
    const lo = Math.min(this.offset, o.offset);
    const hi = Math.max(this.offset + this.words.length, o.offset + o.words.length);
    const out = new Uint32Array(hi - lo);
    out.set(this.words, this.offset - lo);
    const base = o.offset - lo;
    for (let i = 0; i < o.words.length; i++) out[base + i]! |= o.words[i]!;
    return new Bitset(lo, out);
  }

  andNot(o: Bitset): Bitset {
    if (this.isEmpty || o.isEmpty) return this;
    const out = this.words.slice();
    const lo = Math.max(this.offset, o.offset);
    const hi = Math.min(this.offset + this.words.length, o.offset + o.words.length);
    if (hi <= lo) return this;
    for (let w = lo; w < hi; w++) out[w - this.offset]! &= ~o.words[w - o.offset]!;
    return Bitset.fromWords(this.offset, out);
  }

  equals(o: Bitset): boolean {
    if (this.offset !== o.offset || this.words.length !== o.words.length) return false;
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== o.words[i]) return false;
    return true;
  }

  /** The lowest set bit at or above `from`, or -1. */
  nextSetBit(from: number): number {
    let w = Math.max(0, (from >> 5) - this.offset);
    if (w >= this.words.length) return -1;
    let word = (from >> 5) - this.offset === w ? this.words[w]! & (0xffffffff << (from & 31)) : this.words[w]!;
    for (;;) {
      if (word) return ((this.offset + w) << 5) + 31 - Math.clz32(word & -word);
      if (++w >= this.words.length) return -1;
      word = this.words[w]!;
    }
  }

  /** The first index at or after `from` that is not in the set. */
  nextClearBit(from: number): number {
    let w = (from >> 5) - this.offset;
    if (w < 0 || w >= this.words.length) return from;
    let word = ~this.words[w]! & (0xffffffff << (from & 31));
    for (;;) {
      if (word) return ((this.offset + w) << 5) + 31 - Math.clz32(word & -word);
      if (++w >= this.words.length) return (this.offset + w) << 5;
      word = ~this.words[w]!;
    }
  }

  /** Calls fn for each set bit in increasing order. */
  forEach(fn: (i: number) => void): void {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w]!;
      const base = (this.offset + w) << 5;
      while (word) {
        const t = word & -word;
        fn(base + 31 - Math.clz32(t));
        word ^= t;
      }
    }
  }

  toArray(): number[] {
    const out: number[] = [];
    this.forEach((i) => out.push(i));
    return out;
  }

  /** A 32-bit hash (FNV-1a over the offset and words): equal sets hash alike, for hashed lookups with equals. */
  hash(): number {
    let h = Math.imul(0x811c9dc5 ^ this.offset, 16777619);
    const w = this.words;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i]!, 16777619);
    return h >>> 0;
  }

  /** A string usable as a map key; equal sets give equal keys. */
  key(): string {
    let s = `${this.offset}:`;
    for (const w of this.words) s += `${w.toString(36)},`;
    return s;
  }
}

/** Mutable accumulator for building a bitset by OR-ing many sets or indexes. */
export class BitsetBuilder {
  private words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32) + 1);
  }
  add(i: number): void {
    this.words[i >> 5]! |= 1 << (i & 31);
  }
  addAll(b: Bitset): void {
    for (let i = 0; i < b.words.length; i++) this.words[b.offset + i]! |= b.words[i]!;
  }
  build(): Bitset {
    return Bitset.fromWords(0, this.words);
  }
}
