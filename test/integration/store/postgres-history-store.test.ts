/** The shared history-store behaviour against a real PostgreSQL server, and what only the PostgreSQL store does. */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../../src/adapters/store/migrations.js';
import { openPostgresHistoryStore } from '../../../src/adapters/store/postgres-history-store.js';
import { EnvironmentError } from '../../../src/core/model/user-error.js';
import { describeWith } from '../../support/infra.js';
import { freshDatabase, postgresServer } from '../../support/postgres.js';
import { syntheticSnapshot } from '../../support/synthetic-snapshot.js';
import { historyStoreBehaviour } from './history-store-behaviour.js';

const server = postgresServer();

describeWith('PostgreSQL', server, 'PostgreSQL history store', () => {
  const baseUrl = server.url as string;

  historyStoreBehaviour(async () => {
    const db = await freshDatabase(baseUrl);
    return {
      open: (options) => openPostgresHistoryStore(db.url, options),
      raw: async (sql, params = []) => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          let n = 0;
          await c.query(params.length ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
        } finally {
          await c.end();
        }
      },
      migrations: POSTGRES_MIGRATIONS,
      dispose: db.drop,
    };
  });

  describe('connection failures', () => {
    const dbs: { drop: () => Promise<void> }[] = [];
    afterAll(async () => {
      for (const d of dbs) await d.drop();
    });

    it('names the server without its password when the password is wrong', async () => {
      const url = new URL(baseUrl);
      url.password = 'wrong-secret-password';
      const err = await openPostgresHistoryStore(url.toString()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnvironmentError);
      const message = (err as Error).message;
      expect(message).toContain(`cannot connect to the history store at postgres://${url.username}:***@${url.host}${url.pathname}`);
      expect(message).not.toContain('wrong-secret-password');
      expect(message).toMatch(/password authentication failed/);
    });

    it('says so when nothing listens at the address', async () => {
      const url = new URL(baseUrl);
      url.port = '1';
      const err = await openPostgresHistoryStore(url.toString(), { connectTimeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnvironmentError);
      expect((err as Error).message).toMatch(/^cannot connect to the history store at postgres:\/\/.*:\*\*\*@127\.0\.0\.1:1\/.*ECONNREFUSED/);
      expect((err as Error).message).not.toContain(new URL(baseUrl).password);
    });

    it('says which store lacks the privilege to create its schema', async () => {
      const db = await freshDatabase(baseUrl);
      dbs.push(db);
      const role = `netpol_reader_${Date.now()}`;
      const sql = async (url: string, ...statements: string[]) => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          for (const s of statements) await c.query(s);
        } finally {
          await c.end();
        }
      };
      await sql(db.url, `CREATE ROLE ${role} LOGIN PASSWORD 'reader-secret-pw'`, 'REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      const url = new URL(db.url);
      url.username = role;
      url.password = 'reader-secret-pw';
      try {
        const err = await openPostgresHistoryStore(url.toString()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EnvironmentError);
        expect((err as Error).message).toMatch(new RegExp(`^the history store at postgres://${role}:\\*\\*\\*@.* failed: permission denied for schema public$`));
      } finally {
        await db.drop();
        await sql(baseUrl, `DROP ROLE ${role}`);
      }
    });

    it('migrates a fresh database once when several stores open it at the same moment', async () => {
      const db = await freshDatabase(baseUrl);
      dbs.push(db);
      const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresHistoryStore(db.url)));
      await Promise.all(stores.map((s, i) => s.saveSnapshot(syntheticSnapshot({ seed: `s${i}` }))));
      expect(await stores[0]!.listSnapshots()).toHaveLength(6);
      await Promise.all(stores.map((s) => s.close()));
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const { rows } = await c.query('SELECT version FROM schema_migrations ORDER BY version');
      await c.end();
      expect(rows.map((r: { version: number }) => r.version)).toEqual([1, 2]);
    });
  });
});
