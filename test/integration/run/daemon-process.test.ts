/**
 * The real daemon process with accelerated (per-second) schedules over manifest clusters: runs fire and
 * store snapshots, a missed report is caught up at start, and SIGTERM stops it cleanly (exit 0) with the
 * history intact.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteHistoryStore } from '../../../src/adapters/store/sqlite-history-store.js';
import { runCliProcess, startCli } from '../../support/cli-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('daemon process', () => {
  it('runs scheduled snapshots, catches up the missed report, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npa-daemon-proc-'));
    const store = join(dir, 'history.sqlite');
    // a history with last quarter's snapshot and no report yet: the report is "missed"
    const seed = await runCliProcess(['snapshot', '--manifests', resolve('examples/shop'), '--cluster', 'shop', '--taken-at', '2026-09-30T12:00:00Z', '--store', store]);
    expect(seed.code, seed.stderr).toBe(0);
    const config = join(dir, 'netpol-audit.yaml');
    writeFileSync(
      config,
      [
        'clusters:',
        `  - { name: shop, manifests: ${resolve('examples/shop')} }`,
        `store: ${store}`,
        `report: { outputDir: ${join(dir, 'reports')}, pdf: { enabled: false } }`,
        'schedule: { timezone: UTC, snapshot: "* * * * * *", report: "0 6 1 1 *", catchUp: true }',
        'logging: { format: json, level: info }',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, NETPOL_AUDIT_STORE: '', NETPOL_AUDIT_NOW: '2026-10-02T06:00:00Z', NETPOL_AUDIT_HEARTBEAT: join(dir, 'heartbeat') };
    const { child, done } = startCli(['daemon', '--config', config, '--grace', '20'], env);
    // waits for the catch-up report and two scheduled snapshots to finish, not for a fixed time
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => (seen += d.toString()));
    const finished = (job: string) => seen.split('\n').filter((l) => l.includes('"run finished"') && l.includes(`"job":"${job}"`)).length;
    const deadline = Date.now() + 60_000;
    while (!(finished('report') >= 1 && finished('snapshot') >= 2) && Date.now() < deadline) await sleep(100);
    // the heartbeat carries the real time, so health is asked without the frozen clock
    const { NETPOL_AUDIT_NOW: _frozen, ...realClock } = env;
    const health = await runCliProcess(['health'], realClock);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(health.stdout).toMatch(/^healthy/);
    const logs = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; job?: string });
    expect(logs[0]!.msg).toBe('daemon started');
    expect(logs.find((l) => l.msg === 'run started')).toMatchObject({ job: 'report' }); // catch-up first
    expect(logs.some((l) => /^report 2026-Q3: (produced|delivered)/.test(l.msg))).toBe(true);
    expect(logs.filter((l) => l.msg === 'run started' && l.job === 'snapshot').length).toBeGreaterThanOrEqual(2);
    expect(logs.some((l) => l.msg === 'signal received, stopping')).toBe(true);
    expect(logs[logs.length - 1]!.msg).toMatch(/^daemon stopped/);
    // runs never overlapped: each "run started" follows the previous "run finished"
    let open = 0;
    for (const l of logs) {
      if (l.msg === 'run started') open++;
      if (l.msg === 'run finished' || l.msg === 'run failed') open--;
      expect(open).toBeLessThanOrEqual(1);
    }
    const s = await openSqliteHistoryStore(store);
    expect((await s.listSnapshots({ cluster: 'shop' })).length).toBeGreaterThanOrEqual(3);
    expect((await s.findReportRecords('2026-Q3', 'shop')).map((x) => x.status)).toEqual(['rendered']);
    await s.close();
  }, 120_000);
});
