/**
 * The behaviour every HistoryStore must have, run against SQLite and PostgreSQL alike
 * (sqlite-history-store.test.ts, postgres-history-store.test.ts).
 */
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { HistoryStore } from '../../../src/adapters/store/history-store.js';
import type { Migration } from '../../../src/adapters/store/migrations.js';
import type { HistoryStoreOptions } from '../../../src/adapters/store/sql-history-store.js';
import { encodeSnapshot } from '../../../src/adapters/store/snapshot-codec.js';
import { serialiseSnapshot } from '../../../src/core/model/snapshot.js';
import { EnvironmentError, UserError } from '../../../src/core/model/user-error.js';
import { resolveSnapshotRef } from '../../../src/app/history/resolve-snapshot-ref.js';
import { syntheticSnapshot } from '../../support/synthetic-snapshot.js';

/** A fresh, empty database per test, with raw access for what a store must survive. */
export interface StoreHarness {
  open(options?: HistoryStoreOptions): Promise<HistoryStore>;
  /** Runs SQL directly (placeholders `?`), bypassing the store. */
  raw(sql: string, params?: unknown[]): Promise<void>;
  readonly migrations: readonly Migration[];
  dispose(): Promise<void>;
}

export function historyStoreBehaviour(makeHarness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  let store: HistoryStore;
  const opened: HistoryStore[] = [];
  const open = async (options?: HistoryStoreOptions) => {
    const s = await h.open(options);
    opened.push(s);
    return s;
  };

  beforeEach(async () => {
    h = await makeHarness();
    store = await open({ podsPerChunk: 4 });
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    await h.dispose();
  });

  it('round-trips a snapshot byte for byte, across several pod chunks', async () => {
    const snapshot = syntheticSnapshot({ pods: 11, failures: [{ resource: 'nodes', reason: 'forbidden' }] });
    const meta = await store.saveSnapshot(snapshot);
    expect(meta).toMatchObject({
      cluster: 'alpha',
      takenAt: '2026-07-01T12:00:00.000Z',
      contentHash: snapshot.contentHash,
      formatVersion: 1,
      source: { type: 'synthetic', context: 'ctx-s' },
      counts: { namespaces: 3, pods: 11, networkPolicies: 2, adminNetworkPolicies: 0, baselineAdminNetworkPolicies: 0 },
      failures: 1,
    });
    expect(meta.id).toMatch(/^\d+$/);
    expect(meta.storedBytes).toBeGreaterThan(0);
    const back = await store.getSnapshot(meta.id);
    expect(back).toBeDefined();
    expect(serialiseSnapshot(back!)).toBe(serialiseSnapshot(snapshot));
    expect(back!.contentHash).toBe(snapshot.contentHash);
    expect(await store.getMeta(meta.id)).toEqual(meta);
  });

  it('round-trips a snapshot without pods', async () => {
    const snapshot = syntheticSnapshot({ pods: 0 });
    const meta = await store.saveSnapshot(snapshot);
    expect(serialiseSnapshot((await store.getSnapshot(meta.id))!)).toBe(serialiseSnapshot(snapshot));
  });

  it('refuses a snapshot whose content does not match its hash, and stores nothing', async () => {
    const snapshot = syntheticSnapshot({ pods: 3 });
    const tampered = { ...snapshot, pods: snapshot.pods.slice(1) };
    await expect(store.saveSnapshot(tampered)).rejects.toThrow(/cluster "alpha" taken at 2026-07-01T12:00:00.000Z: its contentHash .* does not match its content/);
    await expect(store.saveSnapshot({ ...snapshot, takenAt: 'yesterday' })).rejects.toThrow(/takenAt: "yesterday" is not an ISO-8601 timestamp/);
    await expect(store.saveSnapshot({ ...snapshot, formatVersion: 99 })).rejects.toThrow(UserError);
    expect(await store.listSnapshots()).toEqual([]);
  });

  it('lists oldest first, newest first with a limit, and filters by cluster and inclusive time bounds', async () => {
    const at = (d: string) => `2026-0${d}T00:00:00.000Z`;
    const a1 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'alpha', takenAt: at('1-01'), seed: 'a1' }));
    const b1 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'beta', takenAt: at('2-01'), seed: 'b1' }));
    const a2 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'alpha', takenAt: at('3-01'), seed: 'a2' }));
    // same instant as a2: the later id sorts after it
    const a3 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'alpha', takenAt: '2026-03-01T01:00:00+01:00', seed: 'a3' }));
    const ids = (list: { id: string }[]) => list.map((m) => m.id);
    expect(ids(await store.listSnapshots())).toEqual([a1.id, b1.id, a2.id, a3.id]);
    expect(ids(await store.listSnapshots({ limit: 2 }))).toEqual([a3.id, a2.id]);
    expect(ids(await store.listSnapshots({ cluster: 'alpha' }))).toEqual([a1.id, a2.id, a3.id]);
    expect(ids(await store.listSnapshots({ from: at('2-01'), to: at('3-01') }))).toEqual([b1.id, a2.id, a3.id]);
    expect(ids(await store.listSnapshots({ cluster: 'beta', to: at('1-31') }))).toEqual([]);
    expect(a3.takenAt).toBe('2026-03-01T00:00:00.000Z');
    expect(await store.clusters()).toEqual(['alpha', 'beta']);
    await expect(store.listSnapshots({ from: 'march' })).rejects.toThrow(/"from": "march" is not an ISO-8601 timestamp/);
    await expect(store.listSnapshots({ limit: 0 })).rejects.toThrow(/limit must be a whole number of at least 1/);
  });

  it('answers unknown ids with undefined and malformed ids with a UserError', async () => {
    expect(await store.getSnapshot('424242')).toBeUndefined();
    expect(await store.getMeta('99999999999999999999999')).toBeUndefined();
    await expect(store.getMeta('12; DROP TABLE snapshots')).rejects.toThrow(/is not a snapshot id/);
  });

  it('resolves ids, latest, dates and timestamps, and says what is wrong with the rest', async () => {
    await expect(resolveSnapshotRef(store, 'latest')).rejects.toThrow(/holds no snapshots/);
    const a1 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'alpha', takenAt: '2026-09-29T23:00:00Z', seed: '1' }));
    const a2 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'alpha', takenAt: '2026-09-30T23:59:59.999Z', seed: '2' }));
    const a3 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'alpha', takenAt: '2026-10-01T00:00:00Z', seed: '3' }));
    expect((await resolveSnapshotRef(store, 'latest')).id).toBe(a3.id);
    expect((await resolveSnapshotRef(store, '2026-09-30')).id).toBe(a2.id);
    expect((await resolveSnapshotRef(store, '2026-09-30T12:00:00Z')).id).toBe(a1.id);
    expect((await resolveSnapshotRef(store, a1.id)).id).toBe(a1.id);
    await expect(resolveSnapshotRef(store, '2026-09-28')).rejects.toThrow(/no snapshot of cluster "alpha" was taken on or before 2026-09-28/);
    await expect(resolveSnapshotRef(store, '2026-09-28')).rejects.toMatchObject({ hint: `the oldest is snapshot ${a1.id}, taken at 2026-09-29T23:00:00.000Z` });
    await expect(resolveSnapshotRef(store, '999999')).rejects.toThrow(/no snapshot with id 999999/);
    await expect(resolveSnapshotRef(store, 'yesterday')).rejects.toThrow(/is not a snapshot reference/);

    const b1 = await store.saveSnapshot(syntheticSnapshot({ cluster: 'beta', takenAt: '2026-09-01T00:00:00Z', seed: 'b' }));
    const ambiguous = resolveSnapshotRef(store, 'latest');
    await expect(ambiguous).rejects.toThrow(/"latest" is ambiguous: the history store holds 2 clusters \(alpha, beta\)/);
    await expect(resolveSnapshotRef(store, '2026-09-30')).rejects.toMatchObject({ hint: 'pass --cluster NAME' });
    expect((await resolveSnapshotRef(store, 'latest', 'beta')).id).toBe(b1.id);
    expect((await resolveSnapshotRef(store, '2026-09-30', 'alpha')).id).toBe(a2.id);
    await expect(resolveSnapshotRef(store, 'latest', 'gamma')).rejects.toThrow(/no snapshots of cluster "gamma"/);
    await expect(resolveSnapshotRef(store, a1.id, 'beta')).rejects.toThrow(`snapshot ${a1.id} is of cluster "alpha", not "beta"`);
  });

  it('prunes by age and keeps the newest N per cluster and quarter beyond it; dry runs delete nothing', async () => {
    const now = new Date('2026-10-15T00:00:00Z');
    const save = (cluster: string, takenAt: string) => store.saveSnapshot(syntheticSnapshot({ cluster, takenAt, seed: `${cluster}${takenAt}` }));
    const q2a = await save('alpha', '2026-04-10T00:00:00Z');
    const q2b = await save('alpha', '2026-06-20T00:00:00Z');
    const q3a = await save('alpha', '2026-07-05T00:00:00Z');
    const q3b = await save('alpha', '2026-08-05T00:00:00Z');
    const q3c = await save('alpha', '2026-09-25T00:00:00Z');
    const recent = await save('alpha', '2026-10-10T00:00:00Z');
    const beta = await save('beta', '2026-08-01T00:00:00Z');
    const ids = (list: { id: string }[]) => list.map((m) => m.id);

    const dry = await store.prune({ keepDays: 7, keepPerQuarter: 1, dryRun: true }, now);
    expect(ids(dry)).toEqual([q2a.id, q3a.id, q3b.id]);
    expect(await store.listSnapshots()).toHaveLength(7);

    expect(ids(await store.prune({ keepDays: 7, keepPerQuarter: 1, cluster: 'beta' }, now))).toEqual([]);
    expect(ids(await store.prune({ keepDays: 7, keepPerQuarter: 1 }, now))).toEqual([q2a.id, q3a.id, q3b.id]);
    expect(ids(await store.listSnapshots())).toEqual([q2b.id, beta.id, q3c.id, recent.id]);
    expect(await store.getSnapshot(q2a.id)).toBeUndefined();

    expect(ids(await store.prune({ keepDays: 30, cluster: 'alpha' }, now))).toEqual([q2b.id]);
    expect(ids(await store.listSnapshots())).toEqual([beta.id, q3c.id, recent.id]);
    await expect(store.prune({}, now)).rejects.toThrow(/needs keep-days or keep-per-quarter/);
    await expect(store.prune({ keepDays: -1 }, now)).rejects.toThrow(/keep-days must be a whole number/);

    // ids are never handed out twice, so an id quoted in an old report never names another snapshot
    const next = await save('alpha', '2026-10-14T00:00:00Z');
    expect(Number(next.id)).toBeGreaterThan(Number(recent.id));
    await store.prune({ keepDays: 0 }, new Date('2030-01-01T00:00:00Z'));
    expect(await store.listSnapshots()).toEqual([]);
    const after = await save('alpha', '2026-10-14T00:00:00Z');
    expect(Number(after.id)).toBeGreaterThan(Number(next.id));
  });

  it('takes locks exclusively, lets the owner renew, and lets anyone take over an expired lock', async () => {
    const t0 = new Date('2026-10-01T00:00:00Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    expect(await store.tryLock('run', 'a', 60_000, t0)).toBe(true);
    expect(await store.tryLock('run', 'b', 60_000, later(1_000))).toBe(false);
    expect(await store.tryLock('other', 'b', 60_000, later(1_000))).toBe(true);
    expect(await store.tryLock('run', 'a', 60_000, later(30_000))).toBe(true); // renewed until t0 + 90 s
    expect(await store.tryLock('run', 'b', 60_000, later(61_000))).toBe(false);
    expect(await store.tryLock('run', 'b', 60_000, later(90_000))).toBe(true); // expired: taken over
    await store.releaseLock('run', 'a'); // not a's any more: nothing happens
    expect(await store.tryLock('run', 'a', 60_000, later(91_000))).toBe(false);
    await store.releaseLock('run', 'b');
    expect(await store.tryLock('run', 'a', 60_000, later(92_000))).toBe(true);
    await expect(store.tryLock('run', 'a', 0, t0)).rejects.toThrow(/expiry must be a positive number/);
    await expect(store.tryLock('', 'a', 10, t0)).rejects.toThrow(/lock name must not be empty/);
  });

  it('gives a lock to exactly one of several stores racing for it', async () => {
    const others = await Promise.all([1, 2, 3, 4].map(() => open()));
    const now = new Date('2026-10-01T00:00:00Z');
    const results = await Promise.all([store, ...others].map((s, i) => s.tryLock('race', `owner-${i}`, 60_000, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('records collection failures without credentials and lists them by cluster and time', async () => {
    await store.recordCollectionFailure({
      cluster: 'beta',
      attemptedAt: '2026-10-01T00:00:00Z',
      reason: 'GET https://admin:s3cret@10.0.0.1:6443/api/v1/pods: connection refused',
    });
    await store.recordCollectionFailure({ cluster: 'alpha', attemptedAt: '2026-10-02T00:00:00Z', reason: 'timeout after 30s' });
    const all = await store.listCollectionFailures();
    expect(all).toEqual([
      { cluster: 'beta', attemptedAt: '2026-10-01T00:00:00.000Z', reason: 'GET https://admin:***@10.0.0.1:6443/api/v1/pods: connection refused' },
      { cluster: 'alpha', attemptedAt: '2026-10-02T00:00:00.000Z', reason: 'timeout after 30s' },
    ]);
    expect(await store.listCollectionFailures({ cluster: 'alpha' })).toHaveLength(1);
    expect(await store.listCollectionFailures({ from: '2026-10-01T12:00:00Z' })).toEqual([all[1]]);
    await expect(store.recordCollectionFailure({ cluster: 'x', attemptedAt: 'now', reason: 'r' })).rejects.toThrow(/attemptedAt: "now"/);
  });

  it('saves and finds report records', async () => {
    const base = { period: '2026-Q3', scope: 'alpha,beta', outputDir: '/reports/2026-Q3' } as const;
    const r1 = await store.saveReportRecord({ ...base, generatedAt: '2026-10-01T06:00:00Z', status: 'rendered' });
    const r2 = await store.saveReportRecord({ ...base, generatedAt: '2026-10-01T06:05:00Z', status: 'delivery-failed', detail: 'SMTP 554' });
    await store.saveReportRecord({ ...base, scope: '*', generatedAt: '2026-10-01T06:00:00Z', status: 'delivered' });
    expect(r1).toEqual({ ...base, id: r1.id, generatedAt: '2026-10-01T06:00:00.000Z', status: 'rendered' });
    expect(await store.findReportRecords('2026-Q3', 'alpha,beta')).toEqual([r1, r2]);
    expect(await store.findReportRecords('2026-Q2', 'alpha,beta')).toEqual([]);
    await expect(store.saveReportRecord({ ...base, generatedAt: '2026-10-01T06:00:00Z', status: 'sent' as never })).rejects.toThrow(
      /status "sent" is not one of rendered, delivered, delivery-failed/,
    );
  });

  it('detects a corrupt snapshot on read and names it', async () => {
    const meta = await store.saveSnapshot(syntheticSnapshot({ pods: 10 }));
    const other = await store.saveSnapshot(syntheticSnapshot({ pods: 2, seed: 'other' }));
    const named = new RegExp(`snapshot ${meta.id} \\(cluster "alpha", taken at 2026-07-01T12:00:00.000Z\\) in .* is corrupt`);

    // a chunk replaced by other (well-formed) pods: only the hash can tell
    const swapped = gzipSync(JSON.stringify(syntheticSnapshot({ pods: 4, seed: 'evil' }).pods));
    await h.raw('UPDATE snapshot_pod_chunks SET data = ? WHERE snapshot_id = ? AND seq = 0', [swapped, Number(meta.id)]);
    const err = await store.getSnapshot(meta.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(String((err as Error).message)).toMatch(named);
    expect(String((err as Error).message)).toMatch(/its content hashes to [0-9a-f]{64}, but [0-9a-f]{64} was stored/);

    await h.raw('UPDATE snapshot_pod_chunks SET data = ? WHERE snapshot_id = ? AND seq = 1', [Buffer.from('not gzip'), Number(meta.id)]);
    await expect(store.getSnapshot(meta.id)).rejects.toThrow(/its pod chunk 1 cannot be read/);
    await h.raw('DELETE FROM snapshot_pod_chunks WHERE snapshot_id = ? AND seq = 2', [Number(meta.id)]);
    await expect(store.getSnapshot(meta.id)).rejects.toThrow(/2 pod chunks found, 3 expected/);
    // the other snapshot is unaffected
    expect((await store.getSnapshot(other.id))!.contentHash).toBe(other.contentHash);
  });

  it('migrates a store created by hand at schema version 1, keeping its snapshots', async () => {
    await store.close();
    for (const t of ['snapshot_pod_chunks', 'snapshots', 'locks', 'collection_failures', 'report_records', 'schema_migrations']) {
      await h.raw(`DROP TABLE ${t}`);
    }
    const v1 = h.migrations.find((m) => m.version === 1)!;
    await h.raw('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    await h.raw(v1.sql);
    await h.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'snapshots', '2026-01-01T00:00:00.000Z')");
    const snapshot = syntheticSnapshot({ pods: 6 });
    const { row, envelope, chunks } = encodeSnapshot(snapshot, 4);
    await h.raw(
      `INSERT INTO snapshots (cluster, taken_at, stored_at, content_hash, format_version, source, namespace_count, pod_count,
         network_policy_count, admin_network_policy_count, baseline_admin_network_policy_count, failure_count, stored_bytes, chunk_count, envelope)
       VALUES (?, ?, '2026-07-01T12:00:01.000Z', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.cluster, row.taken_at, row.content_hash, row.format_version, row.source, row.namespace_count, row.pod_count, row.network_policy_count,
        row.admin_network_policy_count, row.baseline_admin_network_policy_count, row.failure_count, row.stored_bytes, row.chunk_count, envelope],
    );
    for (const c of chunks) await h.raw('INSERT INTO snapshot_pod_chunks (snapshot_id, seq, pod_count, data) VALUES (1, ?, ?, ?)', [c.seq, c.podCount, c.data]);

    store = await open();
    expect(serialiseSnapshot((await store.getSnapshot('1'))!)).toBe(serialiseSnapshot(snapshot));
    expect(await store.tryLock('after-migration', 'me', 1_000, new Date())).toBe(true);
    await store.recordCollectionFailure({ cluster: 'alpha', attemptedAt: '2026-10-01T00:00:00Z', reason: 'x' });
    expect(await store.listCollectionFailures()).toHaveLength(1);
    const next = await store.saveSnapshot(syntheticSnapshot({ pods: 1, seed: 'next' }));
    expect(next.id).toBe('2');
  });

  it('refuses a store whose schema is newer than this code', async () => {
    await h.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', '2030-01-01T00:00:00Z')");
    const err = await h.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/has schema version 99, newer than this netpol-audit .* knows \(2\)/);
    expect((err as EnvironmentError).hint).toMatch(/upgrade netpol-audit/);
  });
}
