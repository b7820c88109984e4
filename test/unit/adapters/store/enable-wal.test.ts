/** Switching a SQLite store to WAL retries while another process holds the file busy (SQLITE_BUSY at once). */
import { describe, expect, it } from 'vitest';
import { enableWal } from '../../../../src/adapters/store/sqlite-history-store.js';

/** A connection whose journal_mode pragma fails with `errors` in turn, then succeeds. */
function fakeDb(errors: { code: string }[]) {
  const calls: string[] = [];
  return {
    calls,
    pragma(source: string) {
      calls.push(source);
      const e = errors.shift();
      if (e) throw Object.assign(new Error('database is locked'), e);
      return [{ journal_mode: 'wal' }];
    },
  };
}

describe('enableWal', () => {
  it('retries SQLITE_BUSY with growing pauses until the pragma succeeds', async () => {
    const db = fakeDb([{ code: 'SQLITE_BUSY' }, { code: 'SQLITE_BUSY' }, { code: 'SQLITE_BUSY' }]);
    const pauses: number[] = [];
    await enableWal(db, 30_000, async (ms) => void pauses.push(ms));
    expect(db.calls).toEqual(Array(4).fill('journal_mode = WAL'));
    expect(pauses).toEqual([5, 10, 20]);
  });

  it('gives up with the SQLite error once the timeout has passed', async () => {
    const db = fakeDb(Array.from({ length: 1000 }, () => ({ code: 'SQLITE_BUSY' })));
    await expect(enableWal(db, 30, (ms) => new Promise((r) => setTimeout(r, ms)))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(db.calls.length).toBeGreaterThan(1);
    expect(db.calls.length).toBeLessThan(10);
  });

  it('does not retry any other error', async () => {
    const db = fakeDb([{ code: 'SQLITE_NOTADB' }]);
    await expect(enableWal(db, 30_000, async () => undefined)).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
    expect(db.calls).toHaveLength(1);
  });
});
