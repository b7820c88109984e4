/**
 * The embedded history store: one SQLite file (better-sqlite3) in WAL mode, created with its parent
 * directories on first use. Writers from several processes queue on SQLite's write lock (BEGIN IMMEDIATE,
 * waiting up to busy_timeout); readers never block them.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EnvironmentError, UserError } from '../../core/model/user-error.js';
import type { HistoryStore } from './history-store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import type { SqlConnection, SqlParam, SqlTransaction } from './sql-connection.js';
import { openSqlHistoryStore, type HistoryStoreOptions } from './sql-history-store.js';

export interface SqliteStoreOptions extends HistoryStoreOptions {
  /** How long to wait for another process's write to finish (default 30 s). */
  readonly busyTimeoutMs?: number;
}

const HINT = 'check that the path is a writable file (or where one can be created), or pass another --store';

function environmentError(path: string, e: unknown): unknown {
  if (e instanceof UserError) return e;
  const err = e as { code?: unknown; message?: string };
  const isSqlite = typeof err?.code === 'string' && err.code.startsWith('SQLITE_');
  if (!isSqlite) return e;
  if (err.code === 'SQLITE_NOTADB') return new EnvironmentError(`the history store ${path} is not a SQLite database`, HINT);
  if (err.code === 'SQLITE_BUSY') {
    return new EnvironmentError(`the history store ${path} stayed locked by another process: ${err.message}`, 'try again when the other netpol-audit run has finished');
  }
  return new EnvironmentError(`the history store ${path} failed: ${err.message} (${String(err.code)})`, HINT);
}

/**
 * Switches a connection to WAL mode, retrying while the file is busy. SQLite's busy handler does not cover
 * every case here: when another process is switching a new file to WAL at the same moment, the pragma fails
 * at once with SQLITE_BUSY (two concurrent first runs on a fresh store: about one in 20 failed so). It is
 * retried with short pauses until `timeoutMs` has passed.
 */
export async function enableWal(db: { pragma(source: string): unknown }, timeoutMs: number, pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 250)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw e;
      await pause(wait);
    }
  }
}

/**
 * Transactions on one file run one at a time within this process, across all its connections: a transaction
 * awaits between statements, and a second connection's BEGIN IMMEDIATE would otherwise block the event loop
 * in SQLite's busy wait while the first one, which holds the lock, can never resume to commit.
 */
const fileQueues = new Map<string, Promise<unknown>>();

function inFileQueue<T>(path: string, run: () => Promise<T>): Promise<T> {
  const result = (fileQueues.get(path) ?? Promise.resolve()).then(run, run);
  const tail = result.catch(() => undefined);
  fileQueues.set(path, tail);
  void tail.then(() => {
    if (fileQueues.get(path) === tail) fileQueues.delete(path);
  });
  return result;
}

class SqliteConnection implements SqlConnection {
  readonly kind = 'sqlite';
  readonly migrations = SQLITE_MIGRATIONS;
  private readonly statements = new Map<string, Database.Statement>();
  private pending: Promise<unknown> = Promise.resolve();
  private readonly tx: SqlTransaction;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
    /** The file's real path: the key of its transaction queue. */
    private readonly file: string,
  ) {
    const prepare = (sql: string) => {
      let stmt = this.statements.get(sql);
      if (!stmt) {
        stmt = this.db.prepare(sql);
        this.statements.set(sql, stmt);
      }
      return stmt;
    };
    this.tx = {
      all: async <R>(sql: string, params: readonly SqlParam[] = []) => {
        const stmt = prepare(sql);
        if (stmt.reader) return stmt.all(...params) as R[];
        stmt.run(...params);
        return [];
      },
      run: async (sql: string, params: readonly SqlParam[] = []) => prepare(sql).run(...params).changes,
      exec: async (sql: string) => {
        this.db.exec(sql);
      },
    };
  }

  write<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN IMMEDIATE', fn);
  }

  read<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', fn);
  }

  async lockSchema(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's write lock
  }

  private transaction<T>(begin: string, fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const run = async () => {
      try {
        this.db.exec(begin);
        try {
          const result = await fn(this.tx);
          this.db.exec('COMMIT');
          return result;
        } finally {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        }
      } catch (e) {
        throw environmentError(this.location, e);
      }
    };
    const result = inFileQueue(this.file, run);
    this.pending = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.pending;
    this.db.close();
  }
}

export async function openSqliteHistoryStore(path: string, options: SqliteStoreOptions = {}): Promise<HistoryStore> {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new EnvironmentError(`cannot create the directory of the history store ${path}: ${(e as Error).message}`, HINT);
  }
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (e) {
    throw new EnvironmentError(`cannot open the history store ${path}: ${(e as Error).message}`, HINT);
  }
  try {
    // busy_timeout first: switching to WAL needs a moment's lock that a concurrent opener may hold
    const busyTimeoutMs = Math.max(0, Math.round(options.busyTimeoutMs ?? 30_000));
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    await enableWal(db, busyTimeoutMs);
    db.pragma('foreign_keys = ON');
    return await openSqlHistoryStore(new SqliteConnection(db, path, realpathSync(path)), options);
  } catch (e) {
    db.close();
    throw environmentError(path, e);
  }
}
