/**
 * `netpol-audit snapshot --context ...` against the real test clusters (scripts/test-cluster.mjs): each cluster
 * gets one line, a cluster that cannot be reached is recorded as a collection failure and makes the exit
 * code 3, and the others are stored all the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqliteHistoryStore } from '../../../src/adapters/store/sqlite-history-store.js';
import { runCliCaptured } from '../../support/cli-harness.js';
import { describeWith } from '../../support/infra.js';
import { clusterAvailability, needsBuild } from '../collector/kube-test-env.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');

describeWith('kube-apiserver', clusterAvailability(), 'snapshot of live clusters into the history', () => {
  let dir: string;
  let store: string;
  let kubeconfig: string;

  beforeAll(async () => {
    // the shared clusters: this suite only reads them
    const script = (await import(pathToFileURL(join(ROOT, 'scripts/test-cluster.mjs')).href)) as {
      up(): Promise<unknown>;
      readState(): { kubeconfig: string } | null;
    };
    await script.up();
    const state = script.readState();
    if (!state) throw new Error('scripts/test-cluster.mjs up left no state');
    dir = mkdtempSync(join(tmpdir(), 'netpol-snapshot-cli-'));
    store = join(dir, 'history.sqlite');
    // a second kubeconfig with a context whose API server does not exist (nothing listens on port 1)
    const ghost = join(dir, 'ghost.kubeconfig');
    writeFileSync(
      ghost,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: ghost, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]',
        'users: [{ name: ghost, user: { token: ghost-secret-token } }]',
        'contexts: [{ name: ghost, context: { cluster: ghost, user: ghost } }]',
        'current-context: ghost',
        '',
      ].join('\n'),
    );
    kubeconfig = `${state.kubeconfig}:${ghost}`;
  }, needsBuild() ? 30 * 60_000 : 300_000); // `up` may build the binaries and start four API servers
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => runCliCaptured(['snapshot', '--kubeconfig', kubeconfig, '--store', store, '--timeout', '30', ...args]);

  it('stores the clusters that answer, records the one that does not, and exits 3', async () => {
    const r = await run(['--context', 'alpha-auditor', '--context', 'ghost', '--context', 'beta-auditor']);
    expect(r.code).toBe(3);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^alpha-auditor: stored snapshot 1 \(\d+ pods, \d+ policies\) in \d+\.\ds$/);
    expect(lines[1]).toMatch(/^ghost: FAILED: .+/);
    expect(lines[1]).not.toContain('ghost-secret-token');
    expect(lines[2]).toMatch(/^beta-auditor: stored snapshot 2 \(\d+ pods, \d+ policies\) in \d+\.\ds$/);
    expect(r.stderr).toMatch(/netpol-audit: 1 of 3 clusters failed; the others were stored\n {2}hint: the failures are recorded in the history/);

    const s = await openSqliteHistoryStore(store);
    try {
      expect((await s.listSnapshots()).map((m) => [m.id, m.cluster, m.source.type])).toEqual([
        ['1', 'alpha-auditor', 'cluster'],
        ['2', 'beta-auditor', 'cluster'],
      ]);
      const failures = await s.listCollectionFailures();
      expect(failures).toEqual([{ cluster: 'ghost', attemptedAt: '2026-10-01T00:00:00.000Z', reason: lines[1]!.slice('ghost: FAILED: '.length) }]);
      expect((await s.getSnapshot('1'))!.source.context).toBe('alpha-auditor');
    } finally {
      await s.close();
    }
  });

  it('exits 0 when every cluster is stored, and names a single cluster with --cluster', async () => {
    const r = await run(['--context', 'alpha-auditor', '--cluster', 'production']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^production: stored snapshot \d+ \(\d+ pods, \d+ policies\) in \d+\.\ds\n$/);
    const many = await run(['--context', 'alpha-auditor', '--context', 'beta-auditor', '--cluster', 'x']);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/--cluster names one cluster, but 2 are selected/);
  });
});
