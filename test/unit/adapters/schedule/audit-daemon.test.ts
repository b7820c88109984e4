/** The scheduler with accelerated (per-second) cron schedules: runs fire, never overlap, catch up, stop cleanly. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
    await sleep(5200);
    expect(rec.maxActive).toBe(1);
    expect(rec.runs.filter((k) => k === 'snapshot').length).toBeGreaterThanOrEqual(1);
    expect(rec.runs.filter((k) => k === 'report').length).toBeGreaterThanOrEqual(1);
    // consecutive runs: each starts after the previous finished
    const h = daemon.history;
    for (let i = 1; i < h.length; i++) if (h[i - 1]!.finishedAt) expect(h[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(h[i - 1]!.finishedAt!.getTime());
  });

  it('catches up a missed report at start-up, before any schedule fires', async () => {
    const rec = recorder(10);
    daemon = new AuditDaemon({ schedule: { timezone: 'UTC', snapshot: '0 2 * * *', report: '0 6 1 1 *', catchUp: true }, run: rec.run, log: SILENT_LOGGER });
    daemon.start();
    await sleep(200);
    expect(rec.runs).toEqual(['report']);
  });

  it('stops cleanly: cancels schedules, signals the running job, waits for it within the grace period', async () => {
    const rec = recorder(60_000); // would run for a minute unless aborted
    const dir = mkdtempSync(join(tmpdir(), 'npa-daemon-'));
    daemon = new AuditDaemon({ schedule: { timezone: 'UTC', snapshot: '* * * * * *', report: '0 6 1 1 *', catchUp: false }, run: rec.run, log: SILENT_LOGGER, heartbeatFile: join(dir, 'heartbeat') });
    daemon.start();
    await sleep(1300);
    expect(daemon.running).toBe(true);
    const started = Date.now();
    expect(await daemon.stop(5000)).toBe('finished');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(rec.aborted).toEqual(['snapshot']);
    const runsAtStop = rec.runs.length;
    await sleep(1500);
    expect(rec.runs.length).toBe(runsAtStop); // no schedule fires after stop
    expect(Date.parse(readFileSync(join(dir, 'heartbeat'), 'utf8').trim())).toBeGreaterThan(started - 5000);
    daemon = undefined;
  });

  it('abandons a job that ignores the stop signal after the grace period', async () => {
    daemon = new AuditDaemon({
      schedule: { timezone: 'UTC', snapshot: '0 2 * * *', report: '0 6 1 1 *', catchUp: true },
      run: () => sleep(3000),
      log: SILENT_LOGGER,
    });
    daemon.start();
    await sleep(50);
    expect(await daemon.stop(200)).toBe('abandoned');
    daemon = undefined;
  });
});
