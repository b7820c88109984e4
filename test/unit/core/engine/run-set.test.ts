/**
 * RunSet (a reach rule's peers as runs) answers every question its readers ask exactly as the Bitset it was
 * built from does, on random sets made of runs and scattered bits across word boundaries.
 */
import { describe, expect, it } from 'vitest';
import { Bitset } from '../../../../src/core/engine/bitset.js';
import { peerSet, RunSet } from '../../../../src/core/engine/run-set.js';
import { Rng } from '../../../../src/bench/synthetic-cluster.js';

/** Ids in [0, span): some runs of random length (whole words, bit 31 and 0 included) and some single ids. */
function randomIds(rng: Rng, span: number): number[] {
  const ids = new Set<number>();
  const runs = rng.int(6);
  for (let k = 0; k < runs; k++) {
    const from = rng.int(span);
    const len = rng.int(rng.chance(0.3) ? 100 : 10) + 1;
    for (let i = from; i < Math.min(span, from + len); i++) ids.add(i);
  }
  const singles = rng.int(5);
  for (let k = 0; k < singles; k++) ids.add(rng.int(span));
  return [...ids];
}

describe('RunSet', () => {
  it('agrees with the Bitset it was built from on membership, next member, meeting, intersection and containment', () => {
    const rng = new Rng('run-set');
    let checked = 0;
    for (let round = 0; round < 3000; round++) {
      const span = 1 + rng.int(rng.chance(0.5) ? 70 : 400);
      const dense = Bitset.fromIndexes(randomIds(rng, span));
      const runs = RunSet.fromBitset(dense);
      expect(runs.size).toBe(dense.size);
      expect(runs.isEmpty).toBe(dense.isEmpty);
      expect(runs.runs).toBe(RunSet.runCount(dense));
      const probe = (f: (i: number) => unknown) => Array.from({ length: span + 40 }, (_, i) => f(i));
      expect(probe((i) => runs.has(i))).toEqual(probe((i) => dense.has(i)));
      expect(probe((i) => runs.nextSetBit(i))).toEqual(probe((i) => dense.nextSetBit(i)));
      for (let k = 0; k < 8; k++) {
        // the other operand: narrow or wide, inside, across or outside the set's span
        const other = Bitset.fromIndexes(randomIds(rng, span + 64).filter(() => rng.chance(0.8)));
        const inside = dense.and(other);
        // a subset of the set itself is contained
        const got = [runs.intersects(other), runs.contains(other), runs.and(other).toArray(), runs.contains(inside)];
        const want = [dense.intersects(other), other.isSubsetOf(dense), inside.toArray(), true];
        if (JSON.stringify(got) !== JSON.stringify(want)) expect({ set: dense.toArray(), other: other.toArray(), got }).toEqual({ set: dense.toArray(), other: other.toArray(), got: want });
        checked++;
      }
      const walked: number[] = [];
      runs.forEachRun((first, end) => {
        for (let i = first; i < end; i++) walked.push(i);
      });
      expect(walked).toEqual(dense.toArray());
    }
    expect(checked).toBe(24_000);
  });

  it('counts runs across word boundaries', () => {
    expect(RunSet.runCount(Bitset.range(31, 33))).toBe(1);
    expect(RunSet.runCount(Bitset.range(0, 96))).toBe(1);
    expect(RunSet.runCount(Bitset.fromIndexes([0, 2, 31, 32, 64]))).toBe(4);
    expect(RunSet.runCount(Bitset.EMPTY)).toBe(0);
  });

  it('is chosen where it takes at most half the memory of the words, or as asked', () => {
    // 3 namespaces' worth of whole runs over 100 words: 3 runs (24 bytes) against 400 bytes
    const wide = Bitset.fromRanges([[0, 300], [1000, 1400], [3000, 3200]]);
    expect(peerSet(wide)).toBeInstanceOf(RunSet);
    // every other id: a run per id
    const scattered = Bitset.fromIndexes(Array.from({ length: 200 }, (_, i) => 2 * i));
    expect(peerSet(scattered)).toBe(scattered);
    expect(peerSet(scattered, 'runs')).toBeInstanceOf(RunSet);
    expect(peerSet(wide, 'words')).toBe(wide);
  });
});
