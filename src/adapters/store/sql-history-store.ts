/**
 * The history store's behaviour, written once over SqlConnection: SQLite and PostgreSQL differ only in their
 * connections (sqlite-history-store.ts, postgres-history-store.ts).
 */
import type { Snapshot } from '../../core/model/snapshot.js';
import { UserError } from '../../core/model/user-error.js';
import { checkRetention, planRetention } from '../../core/history/retention-plan.js';
import type {
  CollectionFailureRecord,
  HistoryStore,
  ReportRecord,
  RetentionPolicy,
  SnapshotFilter,
  StoredSnapshotMeta,
} from './history-store.js';
import { isoInstant } from './iso-instant.js';
import { migrateSchema } from './migrations.js';
import {
  decodeSnapshot,
  DEFAULT_PODS_PER_CHUNK,
  encodeSnapshot,
  metaFromRow,
  SNAPSHOT_META_COLUMNS,
  type SnapshotRow,
} from './snapshot-codec.js';
import type { SqlConnection, SqlParam, SqlTransaction } from './sql-connection.js';
import { redactCredentials } from './store-location.js';

export interface HistoryStoreOptions {
  /** Pods per stored chunk (default 5,000). */
  readonly podsPerChunk?: number;
  /** The clock for `storedAt`. */
  readonly now?: () => Date;
  /** Called inside a snapshot's write transaction after each pod chunk (tests use it to crash mid-write). */
  readonly afterChunkWritten?: (seq: number, total: number) => void | Promise<void>;
}

const REPORT_STATUSES: readonly ReportRecord['status'][] = ['rendered', 'delivered', 'delivery-failed'];
/** Ids in one `IN (...)` list, well below both dialects' parameter limits. */
const DELETE_BATCH = 500;

export async function openSqlHistoryStore(conn: SqlConnection, options: HistoryStoreOptions = {}): Promise<HistoryStore> {
  const podsPerChunk = options.podsPerChunk ?? DEFAULT_PODS_PER_CHUNK;
  if (!Number.isInteger(podsPerChunk) || podsPerChunk < 1) throw new UserError(`podsPerChunk must be a whole number of at least 1, got ${podsPerChunk}`);
  await migrateSchema(conn);
  return new SqlHistoryStore(conn, { ...options, podsPerChunk });
}

interface FilterSql {
  readonly sql: string;
  readonly params: SqlParam[];
}

/** WHERE, ORDER BY and LIMIT for a filter on a table with `cluster`, `id` and the given time column. */
function filterSql(filter: SnapshotFilter, timeColumn: string): FilterSql {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (filter.cluster !== undefined) {
    where.push('cluster = ?');
    params.push(filter.cluster);
  }
  if (filter.from !== undefined) {
    where.push(`${timeColumn} >= ?`);
    params.push(isoInstant(filter.from, 'history filter "from"'));
  }
  if (filter.to !== undefined) {
    where.push(`${timeColumn} <= ?`);
    params.push(isoInstant(filter.to, 'history filter "to"'));
  }
  let sql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || filter.limit < 1) throw new UserError(`limit must be a whole number of at least 1, got ${String(filter.limit)}`);
    sql += ` ORDER BY ${timeColumn} DESC, id DESC LIMIT ?`;
    params.push(filter.limit);
  } else {
    sql += ` ORDER BY ${timeColumn} ASC, id ASC`;
  }
  return { sql, params };
}

/** A stored id: digits only; longer than any id a store hands out means "no such snapshot". */
function idParam(id: string): number | undefined {
  if (typeof id !== 'string' || !/^\d+$/.test(id)) throw new UserError(`"${String(id)}" is not a snapshot id`, 'ids are whole numbers, see `netpol-audit history list`');
  return id.length > 15 ? undefined : Number(id);
}

function nonEmpty(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UserError(`${what} must not be empty`);
  return value;
}

interface ReportRow {
  id: number | string;
  period: string;
  scope: string;
  generated_at: string;
  status: ReportRecord['status'];
  output_dir: string;
  detail: string | null;
}

function reportFromRow(r: ReportRow): ReportRecord {
  return {
    id: String(r.id),
    period: r.period,
    scope: r.scope,
    generatedAt: r.generated_at,
    status: r.status,
    outputDir: r.output_dir,
    ...(r.detail === null ? {} : { detail: r.detail }),
  };
}

class SqlHistoryStore implements HistoryStore {
  constructor(
    private readonly conn: SqlConnection,
    private readonly options: HistoryStoreOptions & { podsPerChunk: number },
  ) {}

  get kind() {
    return this.conn.kind;
  }

  get location() {
    return this.conn.location;
  }

  async saveSnapshot(snapshot: Snapshot): Promise<StoredSnapshotMeta> {
    // encode (and compress) before the transaction, so the database's write lock is held only for the inserts
    const { row, envelope, chunks } = encodeSnapshot(snapshot, this.options.podsPerChunk);
    const storedAt = (this.options.now?.() ?? new Date()).toISOString();
    return this.conn.write(async (tx) => {
      const [inserted] = await tx.all<SnapshotRow>(
        `INSERT INTO snapshots (cluster, taken_at, stored_at, content_hash, format_version, source, namespace_count, pod_count,
           network_policy_count, admin_network_policy_count, baseline_admin_network_policy_count, failure_count, stored_bytes,
           chunk_count, envelope)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${SNAPSHOT_META_COLUMNS}`,
        [
          row.cluster,
          row.taken_at,
          storedAt,
          row.content_hash,
          row.format_version,
          row.source,
          row.namespace_count,
          row.pod_count,
          row.network_policy_count,
          row.admin_network_policy_count,
          row.baseline_admin_network_policy_count,
          row.failure_count,
          row.stored_bytes,
          row.chunk_count,
          envelope,
        ],
      );
      if (!inserted) throw new Error('INSERT ... RETURNING gave no row');
      for (const chunk of chunks) {
        await tx.run('INSERT INTO snapshot_pod_chunks (snapshot_id, seq, pod_count, data) VALUES (?, ?, ?, ?)', [
          Number(inserted.id),
          chunk.seq,
          chunk.podCount,
          chunk.data,
        ]);
        await this.options.afterChunkWritten?.(chunk.seq, chunks.length);
      }
      return metaFromRow(inserted);
    });
  }

  async listSnapshots(filter: SnapshotFilter = {}): Promise<StoredSnapshotMeta[]> {
    const q = filterSql(filter, 'taken_at');
    const rows = await this.conn.read((tx) => tx.all<SnapshotRow>(`SELECT ${SNAPSHOT_META_COLUMNS} FROM snapshots${q.sql}`, q.params));
    return rows.map(metaFromRow);
  }

  async getMeta(id: string): Promise<StoredSnapshotMeta | undefined> {
    const key = idParam(id);
    if (key === undefined) return undefined;
    const [row] = await this.conn.read((tx) => tx.all<SnapshotRow>(`SELECT ${SNAPSHOT_META_COLUMNS} FROM snapshots WHERE id = ?`, [key]));
    return row && metaFromRow(row);
  }

  async getSnapshot(id: string): Promise<Snapshot | undefined> {
    const key = idParam(id);
    if (key === undefined) return undefined;
    // envelope and chunks in one read transaction, so a concurrent prune cannot leave us half a snapshot
    const stored = await this.conn.read(async (tx) => {
      const [row] = await tx.all<SnapshotRow & { envelope: Buffer }>(`SELECT ${SNAPSHOT_META_COLUMNS}, envelope FROM snapshots WHERE id = ?`, [key]);
      if (!row) return undefined;
      const chunks = await tx.all<{ seq: number; pod_count: number; data: Buffer }>(
        'SELECT seq, pod_count, data FROM snapshot_pod_chunks WHERE snapshot_id = ? ORDER BY seq',
        [key],
      );
      return { row, chunks };
    });
    if (!stored) return undefined;
    const chunks = stored.chunks.map((c) => ({ seq: Number(c.seq), podCount: Number(c.pod_count), data: c.data }));
    return decodeSnapshot(stored.row, stored.row.envelope, chunks, this.location);
  }

  async clusters(): Promise<string[]> {
    const rows = await this.conn.read((tx) => tx.all<{ cluster: string }>('SELECT DISTINCT cluster FROM snapshots'));
    // sorted here, not by the database, so both dialects (and any collation) give the same order
    return rows.map((r) => r.cluster).sort();
  }

  async prune(policy: RetentionPolicy, now: Date): Promise<StoredSnapshotMeta[]> {
    checkRetention(policy);
    const plan = async (tx: SqlTransaction) => {
      const q = filterSql(policy.cluster === undefined ? {} : { cluster: policy.cluster }, 'taken_at');
      const rows = await tx.all<SnapshotRow>(`SELECT ${SNAPSHOT_META_COLUMNS} FROM snapshots${q.sql}`, q.params);
      return planRetention(rows.map(metaFromRow), policy, now);
    };
    if (policy.dryRun) return this.conn.read(plan);
    return this.conn.write(async (tx) => {
      const doomed = await plan(tx);
      for (let i = 0; i < doomed.length; i += DELETE_BATCH) {
        const ids = doomed.slice(i, i + DELETE_BATCH).map((m) => Number(m.id));
        const marks = ids.map(() => '?').join(', ');
        await tx.run(`DELETE FROM snapshot_pod_chunks WHERE snapshot_id IN (${marks})`, ids);
        await tx.run(`DELETE FROM snapshots WHERE id IN (${marks})`, ids);
      }
      return doomed;
    });
  }

  async tryLock(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    nonEmpty(name, 'lock name');
    nonEmpty(owner, 'lock owner');
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new UserError(`lock "${name}": the expiry must be a positive number of milliseconds, got ${ttlMs}`);
    const nowMs = now.getTime();
    const rows = await this.conn.write((tx) =>
      tx.all<{ name: string }>(
        `INSERT INTO locks (name, owner, acquired_at, expires_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at_ms = excluded.expires_at_ms
         WHERE locks.expires_at_ms <= ? OR locks.owner = excluded.owner
         RETURNING name`,
        [name, owner, now.toISOString(), Math.round(nowMs + ttlMs), nowMs],
      ),
    );
    return rows.length === 1;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    await this.conn.write((tx) => tx.run('DELETE FROM locks WHERE name = ? AND owner = ?', [name, owner]));
  }

  async recordCollectionFailure(failure: CollectionFailureRecord): Promise<void> {
    const cluster = nonEmpty(failure.cluster, 'collection failure: cluster');
    const attemptedAt = isoInstant(failure.attemptedAt, `collection failure of cluster "${cluster}": attemptedAt`);
    const reason = redactCredentials(nonEmpty(failure.reason, `collection failure of cluster "${cluster}": reason`));
    await this.conn.write((tx) => tx.run('INSERT INTO collection_failures (cluster, attempted_at, reason) VALUES (?, ?, ?)', [cluster, attemptedAt, reason]));
  }

  async listCollectionFailures(filter: SnapshotFilter = {}): Promise<CollectionFailureRecord[]> {
    const q = filterSql(filter, 'attempted_at');
    const rows = await this.conn.read((tx) =>
      tx.all<{ cluster: string; attempted_at: string; reason: string }>(`SELECT cluster, attempted_at, reason FROM collection_failures${q.sql}`, q.params),
    );
    return rows.map((r) => ({ cluster: r.cluster, attemptedAt: r.attempted_at, reason: r.reason }));
  }

  async saveReportRecord(record: Omit<ReportRecord, 'id'>): Promise<ReportRecord> {
    const period = nonEmpty(record.period, 'report record: period');
    const scope = nonEmpty(record.scope, 'report record: scope');
    const generatedAt = isoInstant(record.generatedAt, `report record ${period} (${scope}): generatedAt`);
    if (!REPORT_STATUSES.includes(record.status)) {
      throw new UserError(`report record ${period} (${scope}): status "${String(record.status)}" is not one of ${REPORT_STATUSES.join(', ')}`);
    }
    const outputDir = nonEmpty(record.outputDir, `report record ${period} (${scope}): outputDir`);
    const [row] = await this.conn.write((tx) =>
      tx.all<ReportRow>(
        `INSERT INTO report_records (period, scope, generated_at, status, output_dir, detail) VALUES (?, ?, ?, ?, ?, ?)
         RETURNING id, period, scope, generated_at, status, output_dir, detail`,
        [period, scope, generatedAt, record.status, outputDir, record.detail ?? null],
      ),
    );
    if (!row) throw new Error('INSERT ... RETURNING gave no row');
    return reportFromRow(row);
  }

  async findReportRecords(period: string, scope: string): Promise<ReportRecord[]> {
    const rows = await this.conn.read((tx) =>
      tx.all<ReportRow>(
        'SELECT id, period, scope, generated_at, status, output_dir, detail FROM report_records WHERE period = ? AND scope = ? ORDER BY generated_at, id',
        [period, scope],
      ),
    );
    return rows.map(reportFromRow);
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
