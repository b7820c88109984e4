/**
 * What the history store needs from a database: transactions and parameterised statements. SQL is written
 * once, with `?` placeholders and syntax both SQLite and PostgreSQL accept; each dialect adapts the rest.
 */
import type { Migration } from './migrations.js';

export type SqlParam = string | number | Buffer | null;

export interface SqlTransaction {
  /** Rows of a query (or of an INSERT/UPDATE ... RETURNING). */
  all<R>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlConnection {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the database is, without any password. */
  readonly location: string;
  readonly migrations: readonly Migration[];
  /** One transaction that may write; it commits when `fn` resolves and rolls back when it throws. */
  write<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** One transaction that reads a consistent state. */
  read<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** Inside a write: waits until no other process is changing the schema (SQLite's write lock already does). */
  lockSchema(tx: SqlTransaction): Promise<void>;
  close(): Promise<void>;
}
