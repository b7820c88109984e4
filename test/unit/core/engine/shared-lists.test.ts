import { describe, expect, it } from 'vitest';
import { SharedLists } from '../../../../src/core/engine/shared-lists.js';

describe('shared lists', () => {
  it("gives each owner the items appended to it, in order, and shares one array between owners with equal lists", () => {
    const l = new SharedLists<string>(5);
    for (const o of [0, 1, 2]) l.append(o, 'deny');
    l.append(0, 'web');
    l.append(1, 'web');
    l.append(2, 'db');
    l.append(3, 'web');
    const lists = l.lists();
    expect(lists).toEqual([['deny', 'web'], ['deny', 'web'], ['deny', 'db'], ['web'], []]);
    expect(lists[0]).toBe(lists[1]);
    expect(lists[0]).not.toBe(lists[3]);
  });

  it('never changes a list an owner already holds when another owner sharing it gets more items', () => {
    const l = new SharedLists<number>(2);
    l.append(0, 1);
    l.append(1, 1);
    const before = l.lists()[0];
    l.append(1, 2);
    expect(before).toEqual([1]);
    expect(l.lists()).toEqual([[1], [1, 2]]);
  });

  it('tells lists with the same items in another order apart', () => {
    const l = new SharedLists<string>(2);
    l.append(0, 'a');
    l.append(0, 'b');
    l.append(1, 'b');
    l.append(1, 'a');
    expect(l.lists()).toEqual([['a', 'b'], ['b', 'a']]);
  });
});
