/**
 * The central history store: PostgreSQL through a pg Pool, for a fleet whose runs share one history. Each
 * transaction has a client of its own; the schema is migrated under an advisory lock.
 */
import pg from 'pg';
import { EnvironmentError, UserError } from '../../core/model/user-error.js';
import type { HistoryStore } from './history-store.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import type { SqlConnection, SqlParam, SqlTransaction } from './sql-connection.js';
import { openSqlHistoryStore, type HistoryStoreOptions } from './sql-history-store.js';
import { redactCredentials, redactUrl } from './store-location.js';

export interface PostgresStoreOptions extends HistoryStoreOptions {
  /** Connections in the pool (default 4). */
  readonly maxConnections?: number;
  /** How long to wait for a connection (default 10 s). */
  readonly connectTimeoutMs?: number;
}

/** Any number: the key under which processes opening the same database take turns migrating its schema. */
const SCHEMA_LOCK_KEY = 7_240_563_101;

/** `?` placeholders become `$1, $2, ...` (the shared SQL holds no other question marks). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PostgresConnection implements SqlConnection {
  readonly kind = 'postgres';
  readonly migrations = POSTGRES_MIGRATIONS;

  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
    private readonly secrets: readonly string[],
  ) {}

  private redact(text: string): string {
    let out = redactCredentials(text);
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  private failure(e: unknown, connecting: boolean): unknown {
    if (e instanceof UserError) return e;
    const err = e as { message?: string; code?: string };
    // a bug of ours (SQL syntax, undefined column) keeps its stack; a missing privilege (42501) is the database's
    // setup, and everything else is the server's or the network's
    if (typeof err?.code === 'string' && /^42/.test(err.code) && err.code !== '42501') return e;
    const message = this.redact(err?.message ?? String(e));
    return connecting
      ? new EnvironmentError(`cannot connect to the history store at ${this.location}: ${message}`, 'check that the server runs, the URL, and the credentials')
      : new EnvironmentError(`the history store at ${this.location} failed: ${message}`);
  }

  private async transaction<T>(begin: string, fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.failure(e, true);
    }
    const tx: SqlTransaction = {
      all: async <R>(sql: string, params: readonly SqlParam[] = []) => (await client.query(numbered(sql), [...params])).rows as R[],
      run: async (sql: string, params: readonly SqlParam[] = []) => (await client.query(numbered(sql), [...params])).rowCount ?? 0,
      exec: async (sql: string) => {
        await client.query(sql);
      },
    };
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw this.failure(e, false);
    } finally {
      client.release(broken);
    }
  }

  write<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', fn);
  }

  read<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  async lockSchema(tx: SqlTransaction): Promise<void> {
    await tx.all('SELECT pg_advisory_xact_lock(?)', [SCHEMA_LOCK_KEY]);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export async function openPostgresHistoryStore(url: string, options: PostgresStoreOptions = {}): Promise<HistoryStore> {
  const location = redactUrl(url);
  let secrets: string[] = [];
  try {
    const u = new URL(url);
    secrets = [u.password, decodeURIComponent(u.password), u.searchParams.get('password') ?? ''].filter((s) => s.length >= 3);
  } catch {
    throw new UserError(`"${location}" is not a valid PostgreSQL URL`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'netpol-audit',
  });
  // an idle client that loses its server emits here; the next query reports the failure
  pool.on('error', () => undefined);
  try {
    return await openSqlHistoryStore(new PostgresConnection(pool, location, secrets), options);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
}
