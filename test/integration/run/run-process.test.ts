/** `netpol-audit run` as CronJobs use it: idempotent per period, and lock-safe between concurrent processes. */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../../support/cli-process.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'npa-run-proc-'));
  const store = join(dir, 'history.sqlite');
  const config = join(dir, 'netpol-audit.yaml');
  writeFileSync(
    config,
    [
      'clusters:',
      `  - { name: shop, manifests: ${resolve('examples/shop')} }`,
      `  - { name: next, manifests: ${resolve('examples/shop-v2')} }`,
      `store: ${store}`,
      `report: { outputDir: ${join(dir, 'reports')}, pdf: { enabled: false } }`,
      'email:',
      '  enabled: true',
      '  from: netpol-audit@example.com',
      '  smtp: { host: 127.0.0.1, port: 2525, starttls: never }',
      '  channels: [{ name: security, to: [security@example.com] }]',
      '',
    ].join('\n'),
  );
  return { dir, store, config, env: { ...process.env, NETPOL_AUDIT_STORE: '', NETPOL_AUDIT_NOW: '2026-10-02T06:00:00Z' } };
}

describe('run process', () => {
  it('stores, audits and reports the closed period once; a re-run does nothing twice', async () => {
    const { dir, store, config, env } = setup();
    const seeded = await runCliProcess(['snapshot', '--manifests', resolve('examples/shop'), '--cluster', 'shop', '--taken-at', '2026-09-01T00:00:00Z', '--store', store]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const first = await runCliProcess(['run', '--config', config, '--dry-run', '-q'], env);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^shop: snapshot 2 stored \(9 pods, 10 policies\); containment [\d.]+ \([A-F]\); 0 critical, \d+ high, \d+ medium, \d+ low findings$/);
    expect(lines[1]).toMatch(/^next: snapshot 3 stored /);
    expect(lines[2]).toMatch(/^report 2026-Q3: delivered$/);
    expect(readdirSync(join(dir, 'reports', '2026-Q3')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(existsSync(join(dir, 'reports', '2026-Q3', 'report.html'))).toBe(true);
    const again = await runCliProcess(['run', '--config', config, '--no-snapshot', '--dry-run', '-q'], env);
    expect(again.stdout).toMatch(/^report 2026-Q3: exists \(produced .* in .*2026-Q3\)$/m);
    expect(again.code).toBe(0);
  }, 60_000);

  it('lets one of two concurrent runs work and the other exit cleanly', async () => {
    const { config, env } = setup();
    const [a, b] = await Promise.all([
      runCliProcess(['run', '--config', config, '--no-report', '-q'], env),
      runCliProcess(['run', '--config', config, '--no-report', '-q'], env),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outs = [a.stdout, b.stdout];
    expect(outs.filter((o) => /^another run is in progress; nothing to do$/m.test(o)).length).toBeLessThanOrEqual(1);
    const stored = outs.join('').match(/snapshot \d+ stored/g) ?? [];
    // either both ran one after the other (4 snapshots) or one was turned away (2)
    expect([2, 4]).toContain(stored.length);
    if (stored.length === 2) expect(outs.some((o) => /another run is in progress/.test(o))).toBe(true);
  }, 60_000);

  it('says what is missing in the configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npa-run-empty-'));
    writeFileSync(join(dir, 'c.yaml'), `store: ${join(dir, 'h.sqlite')}\n`);
    const r = await runCliProcess(['run', '--config', join(dir, 'c.yaml')], { ...process.env, NETPOL_AUDIT_STORE: '', NETPOL_AUDIT_NOW: '2026-10-02T06:00:00Z' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no clusters configured/);
  });
});
