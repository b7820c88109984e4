/**
 * The history store's schema, as forward-only migrations: one list per dialect, applied in order by version and
 * recorded in `schema_migrations`. A released migration is never edited; a change of schema is a new entry.
 * Both lists must describe the same tables (the shared store tests run against both).
 */
import { EnvironmentError } from '../../core/model/user-error.js';
import { VERSION } from '../../version.js';
import type { SqlConnection } from './sql-connection.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SCHEMA_MIGRATIONS_TABLE = `schema_migrations`;

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'snapshots',
    // AUTOINCREMENT: ids are never reused after pruning, so an id quoted in an old report never names another snapshot.
    sql: `
      CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        cluster TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        format_version INTEGER NOT NULL,
        source TEXT NOT NULL,
        namespace_count INTEGER NOT NULL,
        pod_count INTEGER NOT NULL,
        network_policy_count INTEGER NOT NULL,
        admin_network_policy_count INTEGER NOT NULL,
        baseline_admin_network_policy_count INTEGER NOT NULL,
        failure_count INTEGER NOT NULL,
        stored_bytes INTEGER NOT NULL,
        chunk_count INTEGER NOT NULL,
        envelope BLOB NOT NULL
      );
      CREATE INDEX snapshots_cluster_taken_at ON snapshots (cluster, taken_at);
      CREATE INDEX snapshots_taken_at ON snapshots (taken_at);
      CREATE TABLE snapshot_pod_chunks (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        pod_count INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (snapshot_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: 'locks, collection failures and report records',
    sql: `
      CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE TABLE collection_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        cluster TEXT NOT NULL,
        attempted_at TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX collection_failures_cluster_attempted_at ON collection_failures (cluster, attempted_at);
      CREATE TABLE report_records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        period TEXT NOT NULL,
        scope TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('rendered', 'delivered', 'delivery-failed')),
        output_dir TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX report_records_period_scope ON report_records (period, scope);
    `,
  },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'snapshots',
    // Timestamps are ISO-8601 UTC text (as in SQLite): they sort correctly and round-trip exactly.
    sql: `
      CREATE TABLE snapshots (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        cluster TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        format_version INTEGER NOT NULL,
        source TEXT NOT NULL,
        namespace_count INTEGER NOT NULL,
        pod_count INTEGER NOT NULL,
        network_policy_count INTEGER NOT NULL,
        admin_network_policy_count INTEGER NOT NULL,
        baseline_admin_network_policy_count INTEGER NOT NULL,
        failure_count INTEGER NOT NULL,
        stored_bytes BIGINT NOT NULL,
        chunk_count INTEGER NOT NULL,
        envelope BYTEA NOT NULL
      );
      CREATE INDEX snapshots_cluster_taken_at ON snapshots (cluster, taken_at);
      CREATE INDEX snapshots_taken_at ON snapshots (taken_at);
      CREATE TABLE snapshot_pod_chunks (
        snapshot_id BIGINT NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        pod_count INTEGER NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (snapshot_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: 'locks, collection failures and report records',
    sql: `
      CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at_ms BIGINT NOT NULL
      );
      CREATE TABLE collection_failures (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        cluster TEXT NOT NULL,
        attempted_at TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX collection_failures_cluster_attempted_at ON collection_failures (cluster, attempted_at);
      CREATE TABLE report_records (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        period TEXT NOT NULL,
        scope TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('rendered', 'delivered', 'delivery-failed')),
        output_dir TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX report_records_period_scope ON report_records (period, scope);
    `,
  },
];

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/** Migrations not yet applied, in order. */
export function pendingMigrations(migrations: readonly Migration[], current: number): Migration[] {
  return migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
}

/**
 * Brings the schema up to date in one transaction, serialised among processes opening the same fresh store,
 * and refuses a store whose schema is newer than this code.
 */
export async function migrateSchema(conn: SqlConnection): Promise<void> {
  const latest = latestVersion(conn.migrations);
  await conn.write(async (tx) => {
    await conn.lockSchema(tx);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${SCHEMA_MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const [row] = await tx.all<{ v: number | string | null }>(`SELECT MAX(version) AS v FROM ${SCHEMA_MIGRATIONS_TABLE}`);
    const current = Number(row?.v ?? 0);
    if (current > latest) {
      throw new EnvironmentError(
        `the history store at ${conn.location} has schema version ${current}, newer than this netpol-audit ${VERSION} knows (${latest})`,
        'a newer netpol-audit wrote to it: upgrade netpol-audit, or use another --store',
      );
    }
    for (const m of pendingMigrations(conn.migrations, current)) {
      await tx.exec(m.sql);
      await tx.run(`INSERT INTO ${SCHEMA_MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`, [m.version, m.name, new Date().toISOString()]);
    }
  });
}
