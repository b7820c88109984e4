/**
 * PortSpace interns port sets in one packed pool: equal sets get one id however they were made, every id
 * gives back its set, and the table keeps working as it grows (thousands of sets, as W3's per-pod named
 * ports make).
 */
import { describe, expect, it } from 'vitest';
import { PortSpace } from '../../../../src/core/engine/port-space.js';
import { Bitset } from '../../../../src/core/engine/bitset.js';
import { Rng } from '../../../../src/bench/synthetic-cluster.js';

describe('PortSpace', () => {
  it('gives equal sets one id and every id its set, through growth of the pool and the table', () => {
    // 2,000 boundaries on TCP: ~2,000 atoms, so sets span up to 63 words
    const tcp = Array.from({ length: 2000 }, (_, i) => 1000 + 7 * i);
    const space = new PortSpace({ TCP: tcp, UDP: [53, 54], SCTP: [] });
    const rng = new Rng('port-space');
    const made: { bits: Bitset; id: number }[] = [];
    for (let k = 0; k < 5000; k++) {
      const ids = Array.from({ length: 1 + rng.int(6) }, () => rng.int(space.atomCount));
      const bits = Bitset.fromIndexes(ids);
      made.push({ bits, id: space.intern(bits) });
    }
    const byKey = new Map<string, number>();
    for (const { bits, id } of made) {
      expect(space.bits(id).equals(bits)).toBe(true);
      // the same set built again (another object) finds the same id
      expect(space.intern(Bitset.fromIndexes(bits.toArray()))).toBe(id);
      const k = bits.key();
      if (byKey.has(k)) expect(byKey.get(k)).toBe(id);
      else byKey.set(k, id);
    }
    // distinct sets, distinct ids (plus the empty set and the full one made by the constructor)
    expect(new Set(made.map((m) => m.id)).size).toBe(byKey.size);
    expect(space.size).toBe(byKey.size + 2);
    expect(space.intern(Bitset.EMPTY)).toBe(space.none);
    expect(space.bits(space.none).isEmpty).toBe(true);
  });

  it('keeps unions, intersections and differences exact over the packed sets', () => {
    const space = new PortSpace({ TCP: [80, 81, 443, 444, 8000, 9000], UDP: [53, 54], SCTP: [] });
    const web = space.union(space.range('TCP', 80, 80), space.range('TCP', 443, 443));
    const dns = space.range('UDP', 53, 53);
    const both = space.union(web, dns);
    expect(space.union(both, web)).toBe(both);
    expect(space.intersect(both, dns)).toBe(dns);
    expect(space.subtract(both, web)).toBe(dns);
    expect(space.toConnectionSet(both)).toEqual(space.toConnectionSet(space.union(dns, web)));
    expect(space.containsPort(both, 'TCP', 443)).toBe(true);
    expect(space.containsPort(both, 'TCP', 444)).toBe(false);
  });
});
