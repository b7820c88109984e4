/** The scheduler with accelerated (per-second) cron schedules: runs fire, never overlap, catch up, stop cleanly. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditDaemon, type JobKind } from '../../../../src/adapters/schedule/audit-daemon.js';
import { SILENT_LOGGER } from '../../../../src/adapters/log/logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let daemon: AuditDaemon | undefined;
afterEach(async () => {
  await daemon?.stop(1000);
  daemon = undefined;
});

function recorder(durationMs: number) {
  let active = 0;
  let maxActive = 0;
  const runs: JobKind[] = [];
  const aborted: JobKind[] = [];
  return {
    runs,
    aborted,
    get maxActive() {
      return maxActive;
    },
    run: async (kind: JobKind, signal: AbortSignal) => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs.push(kind);
      const end = Date.now() + durationMs;
      while (Date.now() < end && !signal.aborted) await sleep(20);
      if (signal.aborted) aborted.push(kind);
      active--;
    },
  };
}

describe('audit daemon', () => {
  it('fires both schedules, never runs two jobs at once, and queues rather than drops', async () => {
    const rec = recorder(1500); // longer than the 1-second schedule: every tick overlaps a running job
    daemon = new AuditDaemon({ schedule: { timezone: 'UTC', snapshot: '* * * * * *', report: '*/2 * * * * *', catchUp: false }, run: rec.run, log: SILENT_LOGGER });
    daemon.start();
    // waits for the runs rather than for a fixed time, so a slow machine only makes it longer
    await vi.waitFor(
      () => {
        expect(rec.runs.filter((k) => k === 'snapshot').length).toBeGreaterThanOrEqual(2);
        expect(rec.runs.filter((k) => k === 'report').length).toBeGreaterThanOrEqual(1);
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(rec.maxActive).toBe(1);
    // consecutive runs: each starts after the previous finished
    const h = daemon.history;
    for (let i = 1; i < h.length; i++) if (h[i - 1]!.finishedAt) expect(h[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(h[i - 1]!.finishedAt!.getTime());
  }, 40_000);

  it('catches up a missed report at start-up, before any schedule fires', async () => {
    const rec = recorder(10);
    daemon = new AuditDaemon({ schedule: { timezone: 'UTC', snapshot: '0 2 1 1 *', report: '0 6 1 1 *', catchUp: true }, run: rec.run, log: SILENT_LOGGER });
    daemon.start();
    await sleep(200);
    expect(rec.runs).toEqual(['report']);
  });

  it('stops cleanly: cancels schedules, signals the running job, waits for it within the grace period', async () => {
    const rec = recorder(60_000); // would run for a minute unless aborted
    const dir = mkdtempSync(join(tmpdir(), 'npa-daemon-'));
    daemon = new AuditDaemon({ schedule: { timezone: 'UTC', snapshot: '* * * * * *', report: '0 6 1 1 *', catchUp: false }, run: rec.run, log: SILENT_LOGGER, heartbeatFile: join(dir, 'heartbeat') });
    daemon.start();
    await vi.waitFor(() => expect(daemon!.running).toBe(true), { timeout: 20_000, interval: 20 });
    const started = Date.now();
    expect(await daemon.stop(5000)).toBe('finished');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(rec.aborted).toEqual(['snapshot']);
    const runsAtStop = rec.runs.length;
    await sleep(1500);
    expect(rec.runs.length).toBe(runsAtStop); // no schedule fires after stop
    expect(Date.parse(readFileSync(join(dir, 'heartbeat'), 'utf8').trim())).toBeGreaterThan(started - 5000);
    daemon = undefined;
  }, 30_000);

  it('logs a schedule slot missed while the process was blocked (and node-cron prints nothing itself)', async () => {
    const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
    const log = { ...SILENT_LOGGER, warn: (msg: string, fields?: Record<string, unknown>) => warnings.push({ msg, ...(fields ? { fields } : {}) }) };
    const stderr = vi.spyOn(console, 'warn');
    const rec = recorder(10);
    daemon = new AuditDaemon({ schedule: { timezone: 'UTC', snapshot: '* * * * * *', report: '0 6 1 1 *', catchUp: false }, run: rec.run, log });
    daemon.start();
    const blockUntil = Date.now() + 3500; // a blocked event loop: at least two per-second slots pass unserved
    while (Date.now() < blockUntil) {
      /* busy */
    }
    await vi.waitFor(() => expect(warnings.length).toBeGreaterThanOrEqual(1), { timeout: 10_000, interval: 20 });
    expect(warnings[0]).toMatchObject({ msg: 'schedule slot missed (the process was busy)', fields: { job: 'snapshot' } });
    expect(String(warnings[0]!.fields!['slot'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(stderr.mock.calls.some((c) => String(c[0]).includes('missed execution'))).toBe(false);
    stderr.mockRestore();
  }, 30_000);

  it('abandons a job that ignores the stop signal after the grace period', async () => {
    daemon = new AuditDaemon({
      schedule: { timezone: 'UTC', snapshot: '0 2 1 1 *', report: '0 6 1 1 *', catchUp: true },
      run: () => sleep(3000),
      log: SILENT_LOGGER,
    });
    daemon.start();
    await sleep(50);
    expect(await daemon.stop(200)).toBe('abandoned');
    daemon = undefined;
  });
});
