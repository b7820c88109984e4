import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/bench/synthetic-cluster.js';
import { Bitset } from '../../../../src/core/engine/bitset.js';

describe('Bitset', () => {
  const b = Bitset.fromIndexes([3, 31, 32, 95, 200]);
  it('does set algebra on trimmed spans', () => {
    const c = Bitset.fromIndexes([31, 95, 300]);
    expect(b.and(c).toArray()).toEqual([31, 95]);
    expect(b.or(c).toArray()).toEqual([3, 31, 32, 95, 200, 300]);
    expect(b.andNot(c).toArray()).toEqual([3, 32, 200]);
    expect(b.size).toBe(5);
    expect(Bitset.range(5, 70).size).toBe(65);
    expect(Bitset.range(64, 96).equals(Bitset.fromIndexes(Array.from({ length: 32 }, (_, i) => 64 + i)))).toBe(true);
    expect(b.intersects(Bitset.fromIndexes([200]))).toBe(true);
    expect(b.intersects(Bitset.fromIndexes([201]))).toBe(false);
  });
  it('builds the union of ranges, word edges and overlaps included, as the union of their bits', () => {
    const rng = new Rng(7);
    const rand = (n: number) => rng.int(n);
    for (let round = 0; round < 300; round++) {
      const ranges: [number, number][] = [];
      for (let k = rand(5); k >= 0; k--) {
        const from = rand(200);
        ranges.push([from, from + rand(70) - 5]); // some empty or reversed: they add nothing
      }
      const bits = ranges.flatMap(([f, t]) => Array.from({ length: Math.max(0, t - f) }, (_, i) => f + i));
      const got = Bitset.fromRanges(ranges);
      expect(got.toArray()).toEqual([...new Set(bits)].sort((x, y) => x - y));
      expect(got.equals(Bitset.fromIndexes(bits))).toBe(true);
    }
    expect(Bitset.fromRanges([[32, 64]]).equals(Bitset.range(32, 64))).toBe(true);
    expect(Bitset.fromRanges([]).isEmpty).toBe(true);
  });

  it('keeps the bits below a bound, at and across word edges, as an AND with the range below would', () => {
    const rng = new Rng(11);
    const rand = (n: number) => rng.int(n);
    for (let round = 0; round < 400; round++) {
      const bits = Array.from({ length: rand(12) }, () => rand(300));
      const set = Bitset.fromIndexes(bits);
      const n = rand(5) === 0 ? 32 * rand(10) : rand(320);
      const got = set.below(n);
      expect(got.toArray()).toEqual([...new Set(bits.filter((b) => b < n))].sort((x, y) => x - y));
      expect(got.equals(set.and(Bitset.range(0, n)))).toBe(true);
    }
    const low = Bitset.fromIndexes([1, 40]);
    expect(low.below(64)).toBe(low);
    // nothing at or above the bound, though the last word straddles it: the set itself, not a copy
    expect(low.below(45)).toBe(low);
    expect(low.below(40).toArray()).toEqual([1]);
  });

  it('gives and, or and andNot trimmed to their own span, as sets of their bits', () => {
    const rng = new Rng(13);
    const rand = (n: number) => rng.int(n);
    // wide sets with few bits far apart (a list of pod names across the cluster), and dense runs
    const draw = () => (rand(2) ? Array.from({ length: rand(6) }, () => rand(2000)) : Array.from({ length: rand(300) }, () => 400 + rand(400)));
    for (let round = 0; round < 400; round++) {
      const xs = draw();
      const ys = rand(3) ? draw() : [...xs.slice(0, rand(xs.length + 1)), ...draw()];
      const x = Bitset.fromIndexes(xs);
      const y = Bitset.fromIndexes(ys);
      const inY = new Set(ys);
      const inX = new Set(xs);
      // fromIndexes gives the trimmed span: equals compares offset and words, so an untrimmed result fails
      expect(x.and(y).equals(Bitset.fromIndexes(xs.filter((v) => inY.has(v))))).toBe(true);
      expect(x.andNot(y).equals(Bitset.fromIndexes(xs.filter((v) => !inY.has(v))))).toBe(true);
      expect(x.or(y).equals(Bitset.fromIndexes([...xs, ...ys]))).toBe(true);
      expect(y.and(x).equals(Bitset.fromIndexes(ys.filter((v) => inX.has(v))))).toBe(true);
    }
  });

  it('finds the next clear bit, at and across word edges, past the last word and below the first', () => {
    const rng = new Rng(7);
    const rand = (n: number) => rng.int(n);
    let inside = 0;
    for (let round = 0; round < 400; round++) {
      // runs of set bits, so that whole words are set too
      const bits: number[] = [];
      for (let k = 1 + rand(4); k > 0; k--) {
        const from = rand(300);
        const length = rand(80);
        for (let i = from; i < from + length; i++) bits.push(i);
      }
      const set = Bitset.fromIndexes(bits);
      const has = new Set(bits);
      const from = rand(420);
      let expected = from;
      while (has.has(expected)) expected++;
      if (expected > from) inside++;
      expect(set.nextClearBit(from), `round ${round}`).toBe(expected);
    }
    // the cases where the answer lies past `from` (inside a run) are well represented
    expect(inside).toBeGreaterThan(50);
    expect(Bitset.EMPTY.nextClearBit(5)).toBe(5);
    expect(Bitset.range(64, 128).nextClearBit(64)).toBe(128);
    expect(Bitset.range(64, 128).nextClearBit(3)).toBe(3);
  });

  it('tells a subset, word edges and empty sets included, as andNot would', () => {
    const rng = new Rng(5);
    const rand = (n: number) => rng.int(n);
    let subsets = 0;
    for (let round = 0; round < 400; round++) {
      const big = Array.from({ length: rand(40) }, () => rand(200));
      const small = rand(2) ? big.filter(() => rand(3) > 0) : Array.from({ length: rand(6) }, () => rand(200));
      const a = Bitset.fromIndexes(small);
      const b = Bitset.fromIndexes(big);
      expect(a.isSubsetOf(b)).toBe(a.andNot(b).isEmpty);
      if (a.isSubsetOf(b)) subsets++;
    }
    expect(subsets).toBeGreaterThan(100);
    expect(subsets).toBeLessThan(400);
  });

  it('finds the next set bit from any position', () => {
    expect([0, 3, 4, 31, 33, 96, 200, 201].map((i) => b.nextSetBit(i))).toEqual([3, 3, 31, 31, 95, 200, 200, -1]);
    expect(Bitset.EMPTY.nextSetBit(0)).toBe(-1);
    expect(Bitset.fromIndexes([1000]).nextSetBit(0)).toBe(1000);
  });

  it('hashes equal sets alike however they were built, and tells most different sets apart', () => {
    const a = Bitset.fromIndexes([40, 41, 42, 43, 300]);
    const b = Bitset.range(40, 44).or(Bitset.fromIndexes([300]));
    const c = Bitset.range(0, 400).and(Bitset.fromIndexes([300, 43, 42, 41, 40, 1000]));
    expect(a.equals(b) && b.equals(c)).toBe(true);
    expect(new Set([a.hash(), b.hash(), c.hash()]).size).toBe(1);
    // shifted or one bit off: different hashes (FNV over offset and words)
    const others = [Bitset.fromIndexes([72, 73, 74, 75, 332]), Bitset.fromIndexes([40, 41, 42, 300]), Bitset.EMPTY, Bitset.fromIndexes([0])];
    expect(new Set([a, ...others].map((x) => x.hash())).size).toBe(5);
  });
});
