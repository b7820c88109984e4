import { describe, expect, it } from 'vitest';
import { TupleIds } from '../../../../src/core/engine/tuple-ids.js';

describe('tuple ids', () => {
  it('numbers equal tuples alike and different tuples (prefixes, the empty one) apart, densely from 0', () => {
    const ids = new TupleIds();
    const seen = [[], [1], [1, 2], [2, 1], [1, 2, 3], [0]].map((t) => ids.id(t));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ids.id([1, 2])).toBe(2);
    expect(ids.id([])).toBe(0);
    expect(ids.id([1, 2, 3, 9], 3)).toBe(4); // only the first `length` values count
  });
});
