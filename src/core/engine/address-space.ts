/**
 * External addresses split into atoms at every boundary a CIDR in the policies mentions, per IP family,
 * so ipBlock and networks peers become bitsets over atoms and results merge back into maximal ranges.
 */
import { Bitset } from './bitset.js';
import { FAMILY_MAX, parseIp, parseIpv4Number, type AddressRange, type IpFamily } from '../model/ip-address.js';

export class AddressSpace {
  /** Atom i covers [starts[i], next start - 1] in family families[i]. */
  private readonly starts: bigint[] = [];
  private readonly fams: IpFamily[] = [];
  private readonly familyFirst = new Map<IpFamily, number>();
  private readonly familyEnd = new Map<IpFamily, number>();

  constructor(
    readonly families: readonly IpFamily[],
    ranges: Iterable<AddressRange>,
  ) {
    const byFamily = new Map<IpFamily, Set<bigint>>(families.map((f) => [f, new Set([0n])]));
    for (const r of ranges) {
      const set = byFamily.get(r.family);
      if (!set) continue;
      set.add(r.start);
      if (r.end < FAMILY_MAX[r.family]) set.add(r.end + 1n);
    }
    for (const f of families) {
      const sorted = [...byFamily.get(f)!].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.familyFirst.set(f, this.starts.length);
      for (const s of sorted) {
        this.starts.push(s);
        this.fams.push(f);
      }
      this.familyEnd.set(f, this.starts.length);
    }
  }

  get atomCount(): number {
    return this.starts.length;
  }

  hasFamily(f: IpFamily): boolean {
    return this.familyFirst.has(f);
  }

  private atomOf(f: IpFamily, addr: bigint): number {
    let lo = this.familyFirst.get(f)!;
    let hi = this.familyEnd.get(f)! - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= addr) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Atom indexes (relative to the address space) exactly covering the range; empty for excluded families. */
  rangeBits(r: AddressRange, shift = 0): Bitset {
    if (!this.hasFamily(r.family)) return Bitset.EMPTY;
    return Bitset.range(shift + this.atomOf(r.family, r.start), shift + this.atomOf(r.family, r.end) + 1);
  }

  /** IPv4 atom starts as plain numbers, for the fast path of atomOfIp. */
  private v4Starts: Float64Array | undefined;

  /** Atom holding an IP address given as text (pod IPs), or -1 for unparsable or unmodelled addresses. */
  atomOfIp(ip: string): number {
    const n = parseIpv4Number(ip);
    if (n !== undefined) {
      if (!this.hasFamily(4)) return -1;
      if (!this.v4Starts) this.v4Starts = Float64Array.from(this.starts.slice(this.familyFirst.get(4)!, this.familyEnd.get(4)!), Number);
      const s = this.v4Starts;
      let lo = 0;
      let hi = s.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (s[mid]! <= n) lo = mid;
        else hi = mid - 1;
      }
      return this.familyFirst.get(4)! + lo;
    }
    const parsed = parseIp(ip);
    return parsed ? this.atomContaining(parsed.family, parsed.value) : -1;
  }

  /** Atom containing one address, or -1 when its family is not modelled. */
  atomContaining(f: IpFamily, addr: bigint): number {
    return this.hasFamily(f) ? this.atomOf(f, addr) : -1;
  }

  all(shift = 0): Bitset {
    return Bitset.range(shift, shift + this.atomCount);
  }

  atomRange(i: number): AddressRange {
    const f = this.fams[i]!;
    const next = i + 1 < this.starts.length && this.fams[i + 1] === f ? this.starts[i + 1]! - 1n : FAMILY_MAX[f];
    return { family: f, start: this.starts[i]!, end: next };
  }

  /**
   * Merges consecutive atoms of a bitset (relative indexes after removing `shift`) into maximal ranges: run by
   * run of set bits, so the work is per range, not per atom (an ipBlock of 0.0.0.0/0 with exceptions holds
   * thousands of atoms in a few ranges).
   */
  toRanges(bits: Bitset, shift = 0): AddressRange[] {
    const out: AddressRange[] = [];
    const end = shift + this.atomCount;
    for (let g = bits.nextSetBit(shift); g >= 0 && g < end; g = bits.nextSetBit(g)) {
      const runEnd = Math.min(bits.nextClearBit(g), end);
      // a run may span the last IPv4 atom and the first IPv6 one: a range per family
      for (let i = g - shift; i < runEnd - shift; ) {
        const f = this.fams[i]!;
        const last = Math.min(runEnd - shift, this.familyEnd.get(f)!) - 1;
        out.push({ family: f, start: this.starts[i]!, end: this.atomRange(last).end });
        i = last + 1;
      }
      g = runEnd;
    }
    return out;
  }
}
