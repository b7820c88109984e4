/** The shared history-store behaviour against a SQLite file, and what only the SQLite store does. */
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../../src/adapters/store/migrations.js';
import { openSqliteHistoryStore } from '../../../src/adapters/store/sqlite-history-store.js';
import { EnvironmentError } from '../../../src/core/model/user-error.js';
import { syntheticSnapshot } from '../../support/synthetic-snapshot.js';
import { historyStoreBehaviour } from './history-store-behaviour.js';

describe('SQLite history store', () => {
  historyStoreBehaviour(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-store-'));
    const path = join(dir, 'history.sqlite');
    return {
      open: (options) => openSqliteHistoryStore(path, options),
      raw: async (sql, params = []) => {
        const db = new Database(path);
        try {
          if (params.length) db.prepare(sql).run(...(params as unknown[]));
          else db.exec(sql);
        } finally {
          db.close();
        }
      },
      migrations: SQLITE_MIGRATIONS,
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });

  describe('on disk', () => {
    const dirs: string[] = [];
    const tmp = () => {
      const d = mkdtempSync(join(tmpdir(), 'netpol-store-'));
      dirs.push(d);
      return d;
    };
    afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

    it('creates the file and its parent directories on first use, in WAL mode', async () => {
      const path = join(tmp(), 'a', 'b', 'history.sqlite');
      const store = await openSqliteHistoryStore(path);
      await store.saveSnapshot(syntheticSnapshot());
      await store.close();
      expect(statSync(path).isFile()).toBe(true);
      const db = new Database(path, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2]);
      db.close();
    });

    it('names the file when it is not a SQLite database, and leaves it alone', async () => {
      const path = join(tmp(), 'notes.txt');
      writeFileSync(path, 'these are my notes, not a database\n'.repeat(100));
      const err = await openSqliteHistoryStore(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnvironmentError);
      expect((err as Error).message).toBe(`the history store ${path} is not a SQLite database`);
      expect(statSync(path).size).toBe(3500);
    });

    it('says why when the parent directory cannot be made', async () => {
      const blocker = join(tmp(), 'file');
      writeFileSync(blocker, '');
      await expect(openSqliteHistoryStore(join(blocker, 'history.sqlite'))).rejects.toThrow(/cannot create the directory of the history store .*file\/history.sqlite/);
    });

    it('stores a large snapshot in 5,000-pod chunks and reads it back intact', async () => {
      const path = join(tmp(), 'history.sqlite');
      const store = await openSqliteHistoryStore(path);
      const snapshot = syntheticSnapshot({ pods: 12_345 });
      const meta = await store.saveSnapshot(snapshot);
      const back = await store.getSnapshot(meta.id);
      await store.close();
      expect(back!.contentHash).toBe(snapshot.contentHash);
      expect(back!.pods).toEqual(snapshot.pods);
      const db = new Database(path, { readonly: true });
      expect(db.prepare('SELECT pod_count FROM snapshot_pod_chunks ORDER BY seq').pluck().all()).toEqual([5000, 5000, 2345]);
      db.close();
    });
  });
});
