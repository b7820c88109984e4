/** AllowMap algebra: the segment-pair and the peer-by-peer combinations agree with a per-peer reference. */
import { describe, expect, it } from 'vitest';
import { AllowMap } from '../../../../src/core/engine/allow-map.js';
import { Bitset } from '../../../../src/core/engine/bitset.js';
import { PortSpace } from '../../../../src/core/engine/port-space.js';

/** A deterministic pseudo-random sequence (xorshift). */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

// many distinct port sets, as when named ports resolve differently from pod class to pod class
const tcp = Array.from({ length: 40 }, (_, k) => 1000 + 10 * k);
const space = new PortSpace({ TCP: new Set([80, 81, 443, 444, 8000, 8101, ...tcp, ...tcp.map((p) => p + 1)]), UDP: new Set([53, 54]), SCTP: new Set() });
const portSets = [
  space.range('TCP', 80, 80),
  space.range('TCP', 443, 443),
  space.range('UDP', 53, 53),
  space.range('TCP', 8000, 8100),
  space.all,
  space.union(space.range('TCP', 80, 80), space.range('UDP', 53, 53)),
  ...tcp.map((p) => space.union(space.range('TCP', p, p), space.range('TCP', 80, 80))),
];

/** A map over peers [0, peers) with `segments` random disjoint segments. */
function randomMap(next: (n: number) => number, peers: number, segments: number): AllowMap {
  const owner = Array.from({ length: peers }, () => next(segments + 1) - 1);
  const pieces = Array.from({ length: segments }, (_, s) => ({
    peers: Bitset.fromIndexes(owner.flatMap((o, i) => (o === s ? [i] : []))),
    ports: portSets[(s * 7 + next(portSets.length)) % portSets.length]!,
  }));
  return AllowMap.fromDisjoint(pieces, space);
}

const perPeer = (m: AllowMap, peers: number) => Array.from({ length: peers }, (_, i) => m.portsFor(i, space));

describe('AllowMap', () => {
  it('union, intersect and subtract agree with the per-peer reference, with few and with many segments', () => {
    const next = rng(42);
    let byPeerCases = 0;
    for (let round = 0; round < 60; round++) {
      const peers = 40 + next(300);
      const a = randomMap(next, peers, round % 2 ? 1 + next(4) : 20 + next(30));
      const b = randomMap(next, peers, round % 3 ? 1 + next(4) : 20 + next(30));
      if (a.segments.length * b.segments.length > 256) byPeerCases++;
      const pa = perPeer(a, peers);
      const pb = perPeer(b, peers);
      expect(perPeer(a.union(b, space), peers)).toEqual(pa.map((x, i) => space.union(x, pb[i]!)));
      expect(perPeer(a.intersect(b, space), peers)).toEqual(pa.map((x, i) => space.intersect(x, pb[i]!)));
      expect(perPeer(a.subtract(b, space), peers)).toEqual(pa.map((x, i) => space.subtract(x, pb[i]!)));
      // canonical: no segment without peers or ports, one segment per port set
      for (const m of [a.union(b, space), a.intersect(b, space), a.subtract(b, space)]) {
        expect(m.segments.every((s) => !s.peers.isEmpty && s.ports !== space.none)).toBe(true);
        expect(new Set(m.segments.map((s) => s.ports)).size).toBe(m.segments.length);
      }
    }
    expect(byPeerCases, 'the peer-by-peer path is exercised').toBeGreaterThan(5);
  });

  it('unionAll equals the pairwise union: overlapping or disjoint maps, equal port sets, few and many segments', () => {
    const next = rng(7);
    let disjointCases = 0;
    let overlapCases = 0;
    for (let round = 0; round < 80; round++) {
      const peers = 30 + next(200);
      const count = next(6);
      // every other round splits one map into rule-like rectangles over disjoint peer slices
      const maps =
        round % 2
          ? Array.from({ length: count }, () => randomMap(next, peers, round % 4 === 1 ? 1 + next(3) : 18 + next(10)))
          : Array.from({ length: count }, (_, k) =>
              AllowMap.rect(Bitset.fromIndexes(Array.from({ length: peers }, (_, i) => i).filter((i) => i % Math.max(count, 1) === k)), portSets[next(3)]!, space),
            );
      const pairwise = maps.reduce((m, x) => m.union(x, space), AllowMap.EMPTY);
      const all = AllowMap.unionAll(maps, space);
      expect(perPeer(all, peers)).toEqual(perPeer(pairwise, peers));
      expect(all.segments.every((s) => !s.peers.isEmpty && s.ports !== space.none)).toBe(true);
      expect(new Set(all.segments.map((s) => s.ports)).size).toBe(all.segments.length);
      const segs = all.segments;
      const overlapping = segs.some((a, i) => segs.some((b, j) => j > i && a.peers.intersects(b.peers)));
      expect(overlapping, 'segments of a union are disjoint').toBe(false);
      if (maps.length > 1 && maps.some((a, i) => maps.some((b, j) => j > i && a.peers().intersects(b.peers())))) overlapCases++;
      else if (maps.length > 1) disjointCases++;
    }
    expect(overlapCases, 'overlapping inputs are exercised').toBeGreaterThan(5);
    expect(disjointCases, 'disjoint inputs are exercised').toBeGreaterThan(5);
  });

  it('unions many bitsets in one pass', () => {
    const sets = [Bitset.fromIndexes([1, 70]), Bitset.EMPTY, Bitset.fromIndexes([300]), Bitset.fromIndexes([2, 70])];
    expect(Bitset.union(sets).toArray()).toEqual([1, 2, 70, 300]);
    expect(Bitset.union([Bitset.EMPTY, Bitset.EMPTY, Bitset.EMPTY]).isEmpty).toBe(true);
  });
});
