/**
 * The port space split into atoms: per protocol, the intervals between every boundary any rule or named
 * port mentions. A set of ports is then a small bitset over atoms, interned to an integer id so that equal
 * sets compare by id and set operations are memoised.
 */
import { Bitset } from './bitset.js';
import {
  MAX_PORT,
  MIN_PORT,
  PROTOCOLS,
  makeConnectionSet,
  type ConnectionSet,
  type PortRange,
  type Protocol,
} from '../model/connection-set.js';

export type PortSetId = number;

const MIN_UNION_CACHE_SLOTS = 1 << 8;
const MAX_UNION_CACHE_SLOTS = 1 << 18;

export class PortSpace {
  /** Per protocol: sorted atom start ports; atom i covers [starts[i], starts[i+1]-1]. */
  private readonly starts: Record<Protocol, number[]>;
  private readonly offsets: Record<Protocol, number>;
  readonly atomCount: number;
  /**
   * The interned sets, packed: set id's words are pool[start[id] .. start[id] + length[id]), its first word
   * being word offset[id] of the atoms. An open-addressing table of ids by hash finds a set again. (A Bitset
   * and a text key per set in a Map were ~230 bytes a set; W3's block diff makes ~80,000 per side.)
   */
  private pool = new Uint32Array(1024);
  private poolUsed = 0;
  private start = new Int32Array(64);
  private length = new Int32Array(64);
  private offset = new Int32Array(64);
  private hashes = new Int32Array(64);
  private count = 0;
  private slots = new Int32Array(128).fill(-1);
  /** Memoised results per operation, keyed by a * 2^26 + b (ids stay far below 2^26). */
  private readonly memo: Record<'|' | '&' | '-', Map<number, PortSetId>> = { '|': new Map(), '&': new Map(), '-': new Map() };
  /**
   * A direct-mapped cache in front of the union memo (engines union the same few pairs millions of times:
   * a Map lookup each was a visible share of reach-block listings and diffs): per slot, a, b and a ∪ b.
   */
  private unionCache = new Int32Array(3 * MIN_UNION_CACHE_SLOTS).fill(-1);
  /** Misses since the cache was last grown: it grows fourfold (up to MAX_UNION_CACHE_SLOTS) when they pass one per slot. */
  private unionMisses = 0;
  /** The empty set. */
  readonly none: PortSetId;
  /** All ports of all protocols. */
  readonly all: PortSetId;

  constructor(boundaries: Record<Protocol, Iterable<number>>) {
    const starts = {} as Record<Protocol, number[]>;
    const offsets = {} as Record<Protocol, number>;
    let total = 0;
    for (const p of PROTOCOLS) {
      const s = new Set<number>([MIN_PORT]);
      for (const b of boundaries[p]) if (b > MIN_PORT && b <= MAX_PORT) s.add(b);
      starts[p] = [...s].sort((a, b) => a - b);
      offsets[p] = total;
      total += starts[p].length;
    }
    this.starts = starts;
    this.offsets = offsets;
    this.atomCount = total;
    this.none = this.intern(Bitset.EMPTY);
    this.all = this.intern(Bitset.range(0, total));
  }

  /** Boundaries a port range adds: its first port and the port after its last. */
  static boundariesOf(from: number, to: number): number[] {
    return [from, to + 1];
  }

  private atomIndex(p: Protocol, port: number): number {
    const s = this.starts[p];
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= port) lo = mid;
      else hi = mid - 1;
    }
    return this.offsets[p] + lo;
  }

  /** Atoms of [from, to] on protocol p; the boundaries must have been registered (they are exact then). */
  rangeBits(p: Protocol, from: number, to: number): Bitset {
    return Bitset.range(this.atomIndex(p, from), this.atomIndex(p, to) + 1);
  }

  /** Whether a port set contains one (protocol, port). */
  containsPort(id: PortSetId, p: Protocol, port: number): boolean {
    return this.bits(id).has(this.atomIndex(p, port));
  }

  protocolBits(p: Protocol): Bitset {
    return Bitset.range(this.offsets[p], this.offsets[p] + this.starts[p].length);
  }

  intern(b: Bitset): PortSetId {
    const h = b.hash() | 0;
    const words = b.words;
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let id = this.slots[slot]!; id >= 0; id = this.slots[slot]!) {
      if (this.hashes[id] === h && this.holds(id, b.offset, words)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.count++;
    if (id === this.start.length) this.growIds();
    if (this.poolUsed + words.length > this.pool.length) {
      const grown = new Uint32Array(Math.max(2 * this.pool.length, this.poolUsed + words.length));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    this.pool.set(words, this.poolUsed);
    this.start[id] = this.poolUsed;
    this.length[id] = words.length;
    this.offset[id] = b.offset;
    this.hashes[id] = h;
    this.poolUsed += words.length;
    this.slots[slot] = id;
    if (2 * this.count > this.slots.length) this.rehash();
    return id;
  }

  private holds(id: PortSetId, offset: number, words: Uint32Array): boolean {
    if (this.offset[id] !== offset || this.length[id] !== words.length) return false;
    const from = this.start[id]!;
    for (let i = 0; i < words.length; i++) if (this.pool[from + i] !== words[i]) return false;
    return true;
  }

  private growIds(): void {
    const grow = (a: Int32Array) => {
      const g = new Int32Array(2 * a.length);
      g.set(a);
      return g;
    };
    this.start = grow(this.start);
    this.length = grow(this.length);
    this.offset = grow(this.offset);
    this.hashes = grow(this.hashes);
  }

  private rehash(): void {
    const slots = new Int32Array(2 * this.slots.length).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.hashes[id]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }

  /** The set of an id, as a Bitset over the packed words (a view: made per call, kept by no one here). */
  bits(id: PortSetId): Bitset {
    const from = this.start[id]!;
    return Bitset.view(this.offset[id]!, this.pool.subarray(from, from + this.length[id]!));
  }

  /** How many sets are interned. */
  get size(): number {
    return this.count;
  }

  range(p: Protocol, from: number, to: number): PortSetId {
    return this.intern(this.rangeBits(p, from, to));
  }

  union(a: PortSetId, b: PortSetId): PortSetId {
    if (a === b || b === this.none) return a;
    if (a === this.none) return b;
    if (a === this.all || b === this.all) return this.all;
    if (a > b) [a, b] = [b, a];
    let cache = this.unionCache;
    const slots = cache.length / 3;
    const slot = 3 * ((Math.imul(a, 0x9e3779b1) ^ b) & (slots - 1));
    if (cache[slot] === a && cache[slot + 1] === b) return cache[slot + 2]!;
    const u = this.op('|', a, b, () => this.bits(a).or(this.bits(b)));
    if (++this.unionMisses > slots && slots < MAX_UNION_CACHE_SLOTS) {
      this.unionCache = cache = new Int32Array(12 * slots).fill(-1);
      this.unionMisses = 0;
      return u;
    }
    cache[slot] = a;
    cache[slot + 1] = b;
    cache[slot + 2] = u;
    return u;
  }

  intersect(a: PortSetId, b: PortSetId): PortSetId {
    if (a === b || b === this.all) return a;
    if (a === this.all) return b;
    if (a === this.none || b === this.none) return this.none;
    return this.op('&', a, b, () => this.bits(a).and(this.bits(b)));
  }

  subtract(a: PortSetId, b: PortSetId): PortSetId {
    if (b === this.none) return a;
    if (a === b || b === this.all || a === this.none) return this.none;
    return this.op('-', a, b, () => this.bits(a).andNot(this.bits(b)));
  }

  private op(sym: '|' | '&' | '-', a: PortSetId, b: PortSetId, compute: () => Bitset): PortSetId {
    const k = sym === '-' || a < b ? a * 67108864 + b : b * 67108864 + a;
    const memo = this.memo[sym];
    let id = memo.get(k);
    if (id === undefined) {
      id = this.intern(compute());
      memo.set(k, id);
    }
    return id;
  }

  toConnectionSet(id: PortSetId): ConnectionSet {
    const parts: Partial<Record<Protocol, PortRange[]>> = {};
    const bits = this.bits(id);
    for (const p of PROTOCOLS) {
      const s = this.starts[p];
      const off = this.offsets[p];
      const ranges: PortRange[] = [];
      for (let i = 0; i < s.length; i++) {
        if (!bits.has(off + i)) continue;
        ranges.push([s[i]!, i + 1 < s.length ? s[i + 1]! - 1 : MAX_PORT]);
      }
      if (ranges.length) parts[p] = ranges;
    }
    return makeConnectionSet(parts);
  }
}
