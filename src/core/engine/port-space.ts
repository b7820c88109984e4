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
  private readonly sets: Bitset[] = [];
  private readonly ids = new Map<string, PortSetId>();
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
    const k = b.key();
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(b);
      this.ids.set(k, id);
    }
    return id;
  }

  bits(id: PortSetId): Bitset {
    return this.sets[id]!;
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
