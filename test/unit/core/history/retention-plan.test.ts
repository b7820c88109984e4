import { describe, expect, it } from 'vitest';
import { planRetention, quarterOf } from '../../../../src/core/history/retention-plan.js';

const now = new Date('2026-10-15T00:00:00Z');
const item = (id: number, cluster: string, takenAt: string) => ({ id: String(id), cluster, takenAt });
const ids = (list: { id: string }[]) => list.map((i) => Number(i.id));

describe('retention plan', () => {
  const items = [
    item(1, 'a', '2026-01-05T00:00:00Z'),
    item(2, 'a', '2026-03-31T23:59:59.999Z'),
    item(3, 'a', '2026-04-01T00:00:00Z'),
    item(4, 'b', '2026-02-01T00:00:00Z'),
    item(5, 'a', '2026-10-08T00:00:00Z'), // exactly keepDays (7) old: kept
    item(6, 'a', '2026-10-07T23:59:59.999Z'),
    item(7, 'a', '2026-11-01T00:00:00Z'), // in the future: kept
  ];

  it('keeps everything younger than keepDays and deletes the rest without keepPerQuarter', () => {
    expect(ids(planRetention(items, { keepDays: 7 }, now))).toEqual([1, 4, 2, 3, 6]);
  });

  it('keeps the newest N per cluster and calendar quarter beyond keepDays', () => {
    expect(ids(planRetention(items, { keepDays: 7, keepPerQuarter: 1 }, now))).toEqual([1]);
    expect(ids(planRetention(items, { keepDays: 7, keepPerQuarter: 2 }, now))).toEqual([]);
    expect(ids(planRetention(items, { keepPerQuarter: 1 }, now))).toEqual([1, 6, 5]); // 7 is Q4's newest
  });

  it('breaks ties on equal timestamps by id, newest id kept', () => {
    const tied = [item(10, 'a', '2026-01-01T00:00:00Z'), item(11, 'a', '2026-01-01T00:00:00Z')];
    expect(ids(planRetention(tied, { keepDays: 1, keepPerQuarter: 1 }, now))).toEqual([10]);
  });

  it('only looks at the given cluster', () => {
    expect(ids(planRetention(items, { keepDays: 7, cluster: 'b' }, now))).toEqual([4]);
  });

  it('refuses a policy that says nothing, and counts that are not whole numbers', () => {
    expect(() => planRetention(items, {}, now)).toThrow(/needs keep-days or keep-per-quarter/);
    expect(() => planRetention(items, { keepDays: 1.5 }, now)).toThrow(/keep-days must be a whole number of at least 0, got 1.5/);
    expect(() => planRetention(items, { keepDays: 1, keepPerQuarter: -2 }, now)).toThrow(/keep-per-quarter must be/);
  });

  it('names quarters in UTC', () => {
    expect(quarterOf('2026-03-31T23:59:59.999Z')).toBe('2026-Q1');
    expect(quarterOf('2026-04-01T01:00:00+02:00')).toBe('2026-Q1');
    expect(quarterOf('2026-12-31T00:00:00Z')).toBe('2026-Q4');
  });
});
