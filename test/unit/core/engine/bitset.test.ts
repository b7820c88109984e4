import { describe, expect, it } from 'vitest';
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
  it('finds the next set bit from any position', () => {
    expect([0, 3, 4, 31, 33, 96, 200, 201].map((i) => b.nextSetBit(i))).toEqual([3, 3, 31, 31, 95, 200, 200, -1]);
    expect(Bitset.EMPTY.nextSetBit(0)).toBe(-1);
    expect(Bitset.fromIndexes([1000]).nextSetBit(0)).toBe(1000);
  });
});
