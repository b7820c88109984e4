/**
 * The history CLI end to end, in-process through runCli, against a real SQLite file: snapshot --manifests,
 * history list/show/prune, and stored snapshots as input of connectivity and diff.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteHistoryStore } from '../../../src/adapters/store/sqlite-history-store.js';
import { serialiseSnapshot } from '../../../src/core/model/snapshot.js';
import { snapshotFromManifests } from '../../../src/app/manifest-snapshot.js';
import { runCliCaptured } from '../../support/cli-harness.js';
import { syntheticSnapshot } from '../../support/synthetic-snapshot.js';

const V1 = 'test/fixtures/history/v1';
const V2 = 'test/fixtures/history/v2';

describe('history CLI', () => {
  let dir: string;
  let store: string;
  const run = (args: string[], now = '2026-10-01T00:00:00.000Z') => runCliCaptured([...args, '--store', store], { now: () => new Date(now) });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-history-cli-'));
    store = join(dir, 'nested', 'history.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a manifest folder and lists it', async () => {
    const r = await run(['snapshot', '--manifests', V1, '--cluster', 'alpha', '--taken-at', '2026-09-30T10:00:00+02:00']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^alpha: stored snapshot 1 \(2 pods, 1 policy\) in \d+\.\ds\n$/);

    const list = await run(['history', 'list']);
    expect(list.code).toBe(0);
    const [header, row, ...rest] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+CLUSTER\s+TAKEN AT\s+PODS\s+POLICIES\s+FAILURES\s+SIZE\s+HASH$/);
    expect(row).toMatch(/^1\s+alpha\s+2026-09-30T08:00:00\.000Z\s+2\s+1\s+-\s+[\d.]+ (B|KiB)\s+[0-9a-f]{12}$/);
    expect(rest).toEqual([]);

    const json = JSON.parse((await run(['history', 'list', '-o', 'json'])).stdout);
    expect(json).toEqual([expect.objectContaining({ id: '1', cluster: 'alpha', takenAt: '2026-09-30T08:00:00.000Z', counts: expect.objectContaining({ pods: 2 }) })]);
  });

  it('filters the list by cluster, time and limit, oldest first', async () => {
    for (const [cluster, takenAt, dirName] of [
      ['alpha', '2026-07-01T00:00:00Z', V1],
      ['beta', '2026-08-01T00:00:00Z', V1],
      ['alpha', '2026-09-30T23:00:00Z', V2],
      ['alpha', '2026-10-01T00:00:00Z', V2],
    ] as const) {
      expect((await run(['snapshot', '--manifests', dirName, '--cluster', cluster, '--taken-at', takenAt])).code).toBe(0);
    }
    const ids = async (args: string[]) =>
      (JSON.parse((await run(['history', 'list', '-o', 'json', ...args])).stdout) as { id: string }[]).map((m) => m.id);
    expect(await ids([])).toEqual(['1', '2', '3', '4']);
    expect(await ids(['--cluster', 'alpha'])).toEqual(['1', '3', '4']);
    expect(await ids(['--from', '2026-08-01', '--to', '2026-09-30'])).toEqual(['2', '3']);
    expect(await ids(['--limit', '2'])).toEqual(['3', '4']);
    expect((await run(['history', 'list', '--cluster', 'gamma'])).stdout).toBe(`(no snapshots in ${store})\n`);

    const bad = await run(['history', 'list', '--from', '30/09/2026']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from <when>.*expected a date such as 2026-09-30 or an ISO-8601 timestamp, got "30\/09\/2026"/);
    expect((await run(['history', 'list', '--limit', '0'])).stderr).toMatch(/expected a whole number of at least 1, got "0"/);
  });

  it('shows a snapshot as a summary, JSON that equals what was stored, and YAML', async () => {
    await run(['snapshot', '--manifests', V1, '--cluster', 'alpha', '--taken-at', '2026-09-30T10:00:00Z']);
    const summary = await run(['history', 'show', 'latest']);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/^snapshot 1 of cluster alpha\n/);
    expect(summary.stdout).toMatch(/\n {2}taken at {25}2026-09-30T10:00:00\.000Z\n/);
    expect(summary.stdout).toMatch(/\n {2}source {27}manifests: test\/fixtures\/history\/v1\n/);
    expect(summary.stdout).toMatch(/\n {2}content hash {21}sha256:[0-9a-f]{64}\n/);
    expect(summary.stdout).toMatch(/\n {2}pods {29}2\n/);
    expect(summary.stdout).toMatch(/\n {2}failures {25}none\n/);

    const { snapshot: expected } = await snapshotFromManifests(V1, { cluster: 'alpha', takenAt: '2026-09-30T10:00:00.000Z' });
    const json = await run(['history', 'show', '1', '-o', 'json']);
    expect(serialiseSnapshot(JSON.parse(json.stdout))).toBe(serialiseSnapshot(expected));
    const yaml = await run(['history', 'show', '2026-09-30', '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^cluster: alpha$/m);
    expect(yaml.stdout).toContain(`contentHash: ${expected.contentHash}`);
  });

  it('explains refs it cannot resolve', async () => {
    const empty = await run(['history', 'show', 'latest']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/holds no snapshots\n {2}hint: store one with `netpol-audit snapshot`/);
    await run(['snapshot', '--manifests', V1, '--cluster', 'alpha', '--taken-at', '2026-09-30T10:00:00Z']);
    await run(['snapshot', '--manifests', V1, '--cluster', 'beta', '--taken-at', '2026-09-30T10:00:00Z']);
    const ambiguous = await run(['history', 'show', 'latest']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/"latest" is ambiguous: the history store holds 2 clusters \(alpha, beta\)\n {2}hint: pass --cluster NAME/);
    expect((await run(['history', 'show', 'latest', '--cluster', 'beta'])).stdout).toMatch(/^snapshot 2 of cluster beta/);
    expect((await run(['history', 'show', '2026-01-01', '--cluster', 'beta'])).stderr).toMatch(
      /no snapshot of cluster "beta" was taken on or before 2026-01-01 \(end of that day, UTC\)\n {2}hint: the oldest is snapshot 2/,
    );
    expect((await run(['history', 'show', '77'])).stderr).toMatch(/no snapshot with id 77/);
  });

  it('prunes with a dry run first, then for real', async () => {
    for (const takenAt of ['2026-01-10T00:00:00Z', '2026-02-10T00:00:00Z', '2026-09-25T00:00:00Z']) {
      await run(['snapshot', '--manifests', V1, '--cluster', 'alpha', '--taken-at', takenAt]);
    }
    const dry = await run(['history', 'prune', '--keep-days', '30', '--keep-per-quarter', '1', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('would delete 1 snapshot:\n  1  alpha  2026-01-10T00:00:00.000Z\n');
    expect(JSON.parse((await run(['history', 'list', '-o', 'json'])).stdout)).toHaveLength(3);
    const real = await run(['history', 'prune', '--keep-days', '30']);
    expect(real.stdout).toBe('deleted 2 snapshots:\n  1  alpha  2026-01-10T00:00:00.000Z\n  2  alpha  2026-02-10T00:00:00.000Z\n');
    expect((await run(['history', 'prune', '--keep-days', '30'])).stdout).toBe('nothing to prune\n');
    const missing = await run(['history', 'prune']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--keep-days <n>' not specified/);
  });

  it('answers connectivity --snapshot latest exactly like connectivity --manifests of the same folder', async () => {
    await run(['snapshot', '--manifests', V1, '--cluster', 'alpha']);
    const fromStore = await run(['connectivity', '--snapshot', 'latest']);
    const fromFolder = await runCliCaptured(['connectivity', '--manifests', V1, '--cluster', 'alpha']);
    expect(fromStore.code).toBe(0);
    expect(fromFolder.code).toBe(0);
    expect(fromStore.stdout).toContain('shop/web[Deployment] => shop/db[Deployment] : TCP 5432');
    expect(fromStore.stdout).toBe(fromFolder.stdout);
  });

  it('diffs two stored snapshots like the two folders', async () => {
    await run(['snapshot', '--manifests', V1, '--cluster', 'alpha', '--taken-at', '2026-06-30T00:00:00Z']);
    await run(['snapshot', '--manifests', V2, '--cluster', 'alpha', '--taken-at', '2026-09-30T00:00:00Z']);
    const stored = await run(['diff', '--from', '2026-06-30', '--to', 'latest', '--cluster', 'alpha', '-o', 'json']);
    const folders = await runCliCaptured(['diff', '--manifests-before', V1, '--manifests-after', V2, '--cluster', 'alpha', '-o', 'json']);
    expect(stored.code).toBe(0);
    expect(JSON.parse(stored.stdout).changes.length).toBeGreaterThan(0);
    expect(stored.stdout).toBe(folders.stdout);
  });

  it('refuses bad snapshot options before touching the store', async () => {
    const noCluster = await run(['snapshot', '--manifests', V1]);
    expect(noCluster.code).toBe(2);
    expect(noCluster.stderr).toMatch(/snapshot --manifests needs --cluster NAME/);
    const mixed = await run(['snapshot', '--manifests', V1, '--cluster', 'a', '--all-contexts', '--context', 'x']);
    expect(mixed.stderr).toMatch(/--manifests cannot be combined with --context, --all-contexts/);
    const when = await run(['snapshot', '--manifests', V1, '--cluster', 'a', '--taken-at', 'last tuesday']);
    expect(when.code).toBe(2);
    expect(when.stderr).toMatch(/--taken-at: "last tuesday" is not an ISO-8601 timestamp/);
    const missing = await run(['snapshot', '--manifests', join(dir, 'nowhere'), '--cluster', 'a']);
    expect(missing.code).toBe(2);
    expect((await run(['snapshot', '--timeout', '0'])).stderr).toMatch(/expected a number of seconds above 0/);
    const s = await openSqliteHistoryStore(store);
    expect(await s.listSnapshots()).toEqual([]);
    await s.close();
  });

  it('takes the store from $NETPOL_AUDIT_STORE and names it, without password, when it cannot be reached', async () => {
    const viaEnv = await runCliCaptured(['history', 'list'], { env: { ...process.env, NETPOL_AUDIT_STORE: `sqlite:${store}` } });
    expect(viaEnv.stdout).toBe(`(no snapshots in ${store})\n`);
    const bad = await runCliCaptured(['history', 'list', '--store', 'postgres://auditor:pa55word@127.0.0.1:1/history']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^netpol-audit: cannot connect to the history store at postgres:\/\/auditor:\*\*\*@127\.0\.0\.1:1\/history: .*ECONNREFUSED/);
    expect(bad.stderr).not.toContain('pa55word');
    const unsupported = await runCliCaptured(['history', 'list', '--store', 'mysql://root:toor@db/h']);
    expect(unsupported.code).toBe(2);
    expect(unsupported.stderr).toMatch(/--store: "mysql:\/\/root:\*\*\*@db\/h" is not a supported store/);
  });

  it('reports a corrupt stored snapshot with exit code 3', async () => {
    const s = await openSqliteHistoryStore(store);
    const meta = await s.saveSnapshot(syntheticSnapshot({ pods: 3 }));
    await s.close();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(store);
    db.prepare('UPDATE snapshot_pod_chunks SET data = ? WHERE snapshot_id = ?').run(Buffer.from('garbage'), Number(meta.id));
    db.close();
    const r = await run(['history', 'show', meta.id]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`snapshot ${meta.id} \\(cluster "alpha", .*\\) in .* is corrupt: its pod chunk 0 cannot be read`));
  });
});
