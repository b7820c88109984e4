/**
 * `run` cycles against a real SQLite history: snapshots stored with one line per cluster, a period's report
 * produced once, a failing step keeping what earlier steps produced, and concurrent runs excluded by the lock.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CollectResult } from '../../../src/adapters/kube/cluster-target.js';
import { SILENT_LOGGER } from '../../../src/adapters/log/logger.js';
import type { HistoryStore } from '../../../src/adapters/store/history-store.js';
import { openSqliteHistoryStore } from '../../../src/adapters/store/sqlite-history-store.js';
import { snapshotFromManifests } from '../../../src/app/manifest-snapshot.js';
import { runCycle, type RunCycleDeps, type RunOptions } from '../../../src/app/run-cycle.js';
import { auditLine } from '../../../src/app/run-deps.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ReportPeriod } from '../../../src/core/report/report-model.js';

const NOW = new Date('2026-10-02T06:00:00.000Z'); // 2026-Q3 has closed

async function store(): Promise<HistoryStore> {
  return openSqliteHistoryStore(join(mkdtempSync(join(tmpdir(), 'npa-run-')), 'history.sqlite'));
}

async function collectShop(cluster: string, takenAt: string): Promise<Extract<CollectResult, { ok: true }>> {
  const { snapshot } = await snapshotFromManifests(resolve('examples/shop'), { cluster, takenAt });
  return { cluster, ok: true, snapshot, durationMs: 5 };
}

function deps(s: HistoryStore, over: Partial<RunCycleDeps> = {}) {
  const produced: { period: string; clusters: readonly string[] }[] = [];
  const d: RunCycleDeps = {
    store: s,
    collect: async () => [await collectShop('prod', NOW.toISOString()), { cluster: 'edge', ok: false, reason: 'connect ECONNREFUSED 127.0.0.1:6443', durationMs: 3 }],
    auditLine: () => ({ text: 'containment 56.3 (F)', complete: true }),
    reportClusters: async () => ['prod'],
    produceReport: async (period: ReportPeriod, clusters: readonly string[]) => {
      produced.push({ period: period.label, clusters });
      return { status: 'delivered', outputDir: `/reports/${period.label}` };
    },
    now: () => NOW,
    log: SILENT_LOGGER,
    ...over,
  };
  return { d, produced };
}

const opts = (over: Partial<RunOptions> = {}): RunOptions => ({ snapshot: true, report: true, force: false, periodKind: 'quarter', waitMs: 0, lockTtlMs: 60_000, owner: 'test:1', ...over });

describe('run cycle', () => {
  it('stores a snapshot beyond the engine limits, prints its audit from reach blocks (or past their limit, its policy-level audit), and does not call the run a success', async () => {
    const s = await store();
    const configWith = async (yaml: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'npa-run-limit-'));
      writeFileSync(join(dir, 'netpol-audit.yaml'), yaml);
      return loadConfig({ env: {}, cwd: dir });
    };
    const blocks = await configWith('engine: { maxClasses: 2 }\n');
    const { d } = deps(s, {
      collect: async () => [await collectShop('prod', NOW.toISOString())],
      auditLine: (snapshot) => auditLine(blocks, snapshot, '2026-10-02'),
    });
    const r = await runCycle(d, opts({ report: false }));
    expect(r.clusters).toHaveLength(1);
    expect(r.clusters[0]!.line).toMatch(
      /^prod: snapshot 1 stored \(9 pods, 10 policies\); containment \d+(\.\d)? \([A-F]\) from reach blocks \(\d+ pod classes, cap 2\); 0 critical, \d+ high, \d+ medium, \d+ low findings; 1 check not run \(policy-redundant\)$/,
    );
    expect(r.exitCode).toBe(3);
    // the snapshot is stored all the same, and the score is the complete audit's
    expect(await s.listSnapshots({ cluster: 'prod' })).toHaveLength(1);
    const shop = (await collectShop('prod', NOW.toISOString())).snapshot;
    const complete = auditLine(await configWith(''), shop, '2026-10-02');
    expect(complete).toMatchObject({ text: expect.stringMatching(/^containment \d+(\.\d)? \([A-F]\); /), complete: true });
    expect(r.clusters[0]!.line).toContain(complete.text.split(';')[0]!);
    // 500 cells: below what prod's 9 workloads take from reach blocks (576)
    expect(auditLine(await configWith('engine: { maxClasses: 2, maxPairCells: 500 }\n'), shop, '2026-10-02')).toEqual({
      text: expect.stringMatching(/^not analysed \(\d+ pod classes, cap 2\): policy-level checks only, 0 critical, \d+ high, \d+ medium, \d+ low findings; 6 checks over allow sets not run$/),
      complete: false,
    });
    await s.close();
  });

  it('stores snapshots, records failed clusters, and reports the last closed period once', async () => {
    const s = await store();
    await s.saveSnapshot((await collectShop('prod', '2026-09-15T00:00:00.000Z')).snapshot);
    const { d, produced } = deps(s);
    const first = await runCycle(d, opts());
    expect(first.clusters.map((c) => c.line)).toEqual([
      'prod: snapshot 2 stored (9 pods, 10 policies); containment 56.3 (F)',
      'edge: FAILED: connect ECONNREFUSED 127.0.0.1:6443',
    ]);
    expect(first.report).toMatchObject({ period: '2026-Q3', status: 'delivered' });
    expect(first.exitCode).toBe(3); // a cluster failed, the rest was done
    expect((await s.listCollectionFailures({ cluster: 'edge' })).map((f) => f.reason)).toEqual(['connect ECONNREFUSED 127.0.0.1:6443']);
    // the same period again: produced once
    const again = await runCycle(d, opts({ snapshot: false }));
    expect(again.report).toMatchObject({ period: '2026-Q3', status: 'exists' });
    expect(again.exitCode).toBe(0);
    expect(produced).toEqual([{ period: '2026-Q3', clusters: ['prod'] }]);
    // unless forced
    await runCycle(d, opts({ snapshot: false, force: true }));
    expect(produced).toHaveLength(2);
    await s.close();
  });

  it('retries delivery after a failed one, and says when there is no data or the period is open', async () => {
    const s = await store();
    await s.saveSnapshot((await collectShop('prod', '2026-08-01T00:00:00.000Z')).snapshot);
    let fail = true;
    const { d, produced } = deps(s, {
      produceReport: async (period) => {
        produced.push({ period: period.label, clusters: [] });
        return fail ? { status: 'delivery-failed', outputDir: '/r', detail: 'smtp: 421 try later' } : { status: 'delivered', outputDir: '/r' };
      },
    });
    const failed = await runCycle(d, opts({ snapshot: false }));
    expect(failed.report).toMatchObject({ status: 'delivery-failed' });
    expect(failed.exitCode).toBe(3);
    fail = false;
    expect((await runCycle(d, opts({ snapshot: false }))).report).toMatchObject({ status: 'delivered' });
    expect((await runCycle(d, opts({ snapshot: false }))).report).toMatchObject({ status: 'exists' });
    expect(produced).toHaveLength(2);
    const empty = await runCycle(d, opts({ snapshot: false, period: { label: '2026-Q1', from: '2026-01-01', to: '2026-03-31' } }));
    expect(empty.report).toMatchObject({ status: 'no-data' });
    const open = await runCycle(d, opts({ snapshot: false, period: { label: '2026-Q4', from: '2026-10-01', to: '2026-12-31' } }));
    expect(open.report).toMatchObject({ status: 'not-due' });
    await s.close();
  });

  it('keeps the stored snapshots when the report step fails', async () => {
    const s = await store();
    await s.saveSnapshot((await collectShop('prod', '2026-09-15T00:00:00.000Z')).snapshot);
    const { d } = deps(s, { produceReport: async () => { throw new Error('chromium crashed'); } });
    const r = await runCycle(d, opts());
    expect(r.report).toMatchObject({ status: 'failed', detail: 'chromium crashed' });
    expect(r.exitCode).toBe(3);
    expect((await s.listSnapshots({ cluster: 'prod' })).length).toBe(2);
    expect(await s.findReportRecords('2026-Q3', 'prod')).toEqual([]);
    await s.close();
  });

  it('lets only one run hold the lock: a concurrent run exits cleanly, or waits when asked', async () => {
    const s = await store();
    await s.saveSnapshot((await collectShop('prod', '2026-09-15T00:00:00.000Z')).snapshot);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { d } = deps(s, { collect: async () => { await gate; return []; } });
    const first = runCycle(d, opts({ owner: 'a' }));
    await new Promise((r) => setTimeout(r, 50));
    const second = await runCycle(d, opts({ owner: 'b' }));
    expect(second).toMatchObject({ lock: 'busy', exitCode: 0, clusters: [] });
    const waiting = runCycle(d, opts({ owner: 'c', waitMs: 30_000, snapshot: false }));
    release();
    expect((await first).lock).toBe('acquired');
    expect((await waiting).lock).toBe('acquired');
    await s.close();
  });
});
