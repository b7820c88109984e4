/** `config check|schema`, and --config on the analysis commands: the file's settings are defaults, options win. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configJsonSchemaText } from '../../../src/config/config-schema.js';
import { runCliCaptured } from '../../support/cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'netpol-audit-config-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

const GOOD = `
clusters:
  - name: prod
  - name: ops
    inCluster: true
store:
  urlFile: store-url
email:
  enabled: true
  from: audit@example.com
  smtp:
    host: smtp.example.com
    user: audit
    passwordFile: smtp-password
  channels:
    - name: security
      to: [sec@example.com]
    - name: payments
      to: [pay@example.com, pay-lead@example.com]
      namespaces: { names: [payments] }
      attachPdf: false
schedule:
  timezone: Europe/Berlin
  report: "0 7 * * 1"
`;

describe('netpol-audit config check', () => {
  it('prints "config OK" and a summary that holds no password', async () => {
    file('store-url', 'postgres://audit:db-secret@db.example.com:5432/netpol\n');
    file('smtp-password', 'smtp-secret\n');
    const path = file('good.yaml', GOOD);
    const r = await runCliCaptured(['config', 'check', '--config', path], { env: {} });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `config OK: ${path}`,
        '  clusters: prod (context prod), ops (in-cluster)',
        '  store:    PostgreSQL postgres://audit:***@db.example.com:5432/netpol (from the config)',
        '  email:    from audit@example.com via smtp.example.com:587 (STARTTLS required), as audit',
        '            channel security: 1 recipient, all namespaces, PDF attached',
        '            channel payments: 2 recipients, namespaces payments',
        '  schedule: snapshots "0 2 * * *", reports "0 7 * * 1" (Europe/Berlin), catch-up on',
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toMatch(/db-secret|smtp-secret/);
  });

  it('without any file: "config OK: defaults"', async () => {
    const r = await runCliCaptured(['config', 'check'], { env: { HOME: dir } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('config OK: defaults');
    expect(r.stdout).toContain(`  store:    SQLite ${join(dir, '.local/share/netpol-audit/history.sqlite')} (the default)`);
    expect(r.stdout).toContain('  email:    disabled\n');
  });

  it('exits 2 and lists every problem, one per line', async () => {
    const path = file('bad.yaml', 'email:\n  enabled: true\nschedule:\n  timezone: Nowhere/Land\nreport:\n  trendPeriods: 2\n');
    const r = await runCliCaptured(['config', 'check', '--config', path], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `netpol-audit: configuration ${path} has 5 problems:`,
      '  report.trendPeriods: 2 is too small (expected a whole number from 4 to 8)',
      '  email.smtp.host: missing; required when email.enabled is true (expected the SMTP relay host name)',
      '  email.from: missing; required when email.enabled is true (expected the sender address, e.g. netpol-audit@example.com)',
      '  email.channels: no channel; required when email.enabled is true (expected at least one channel with a name and recipients in to)',
      '  schedule.timezone: "Nowhere/Land" is not a known time zone (expected an IANA time zone such as UTC or Europe/Berlin)',
      '  hint: fix them and run `netpol-audit config check`; every option is described in docs/configuration.md',
      '',
    ]);
  });

  it('reads $NETPOL_AUDIT_CONFIG when --config is not given', async () => {
    const path = file('env.yaml', 'logging: { level: debug }\n');
    const r = await runCliCaptured(['config', 'check'], { env: { NETPOL_AUDIT_CONFIG: path } });
    expect(r.stdout.split('\n')[0]).toBe(`config OK: ${path}`);
  });
});

describe('netpol-audit config schema', () => {
  it('prints the JSON Schema of the file', async () => {
    const r = await runCliCaptured(['config', 'schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(configJsonSchemaText());
  });
});

describe('--config on analysis commands', () => {
  const connectivity = async (...extra: string[]) => (await runCliCaptured(['connectivity', '--manifests', 'examples/shop', ...extra], { env: {} })).stdout;

  it('the config sets the engine defaults; an option on the command line still wins', async () => {
    const cfg = file('engine.yaml', 'engine:\n  hostNetwork: node\n');
    const byDefault = await connectivity();
    const byOption = await connectivity('--host-network', 'node');
    expect(byOption).not.toBe(byDefault);
    expect(await connectivity('--config', cfg)).toBe(byOption);
    expect(await connectivity('--config', cfg, '--host-network', 'pod')).toBe(byDefault);
  });

  it('a broken config stops the command with exit 2', async () => {
    const cfg = file('broken.yaml', 'engine:\n  hostNetwork: bridge\n');
    const r = await runCliCaptured(['connectivity', '--manifests', 'examples/shop', '--config', cfg], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  engine.hostNetwork: "bridge" is not allowed (expected one of pod, node)');
  });

  it('audit takes severities, disabled checks and exceptions from the config', async () => {
    const cfg = file(
      'audit.yaml',
      [
        'audit:',
        '  severities: { pod-not-isolated: critical }',
        '  disabledChecks: [pod-unlabeled]',
        '  exceptions:',
        '    - { check: workload-internet-exposed, workload: "shop/web[Deployment]", owner: team-shop, reason: storefront, expires: 2027-01-31 }',
        '',
      ].join('\n'),
    );
    const r = await runCliCaptured(['audit', '--manifests', 'examples/shop', '--config', cfg, '-o', 'json']);
    expect(r.code).toBe(0);
    const findings = (JSON.parse(r.stdout) as { findings: { check: string; severity: string; workload?: string; suppressed: boolean }[] }).findings;
    expect(findings.filter((f) => f.check === 'pod-not-isolated').map((f) => f.severity)).toContain('critical');
    expect(findings.some((f) => f.check === 'pod-not-isolated' && f.severity !== 'critical')).toBe(false);
    expect(findings.some((f) => f.check === 'pod-unlabeled')).toBe(false);
    expect(findings.find((f) => f.check === 'workload-internet-exposed' && f.workload === 'shop/web[Deployment]')?.suppressed).toBe(true);
  });

  it('diff accepts --config', async () => {
    const cfg = file('diff.yaml', 'engine:\n  hostNetwork: node\n');
    const r = await runCliCaptured(['diff', '--manifests-before', 'examples/shop', '--manifests-after', 'examples/shop', '--config', cfg, '--connectivity-only'], { env: {} });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
